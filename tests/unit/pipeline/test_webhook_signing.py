"""A notify delivery's bytes (pure): the same body on every attempt, the signature scheme the README documents,
and the receiver's check refusing a changed body, another secret, a stale or garbled header."""

from __future__ import annotations

import hashlib
import hmac

from worker.actions import webhook
from worker.store.records import LedgerAction

ACTION = LedgerAction(rule="r", type="notify", params={}, ticket="42", org="7", event="ev")
PARAMS = {"target": "ops", "format": "json", "text": "Grüße", "fields": {"b": 2, "a": 1}}


def test_the_body_is_canonical_json_with_nothing_that_changes_between_attempts() -> None:
    body = webhook.body("act-1", ACTION, PARAMS)
    assert body == webhook.body("act-1", ACTION, dict(reversed(list(PARAMS.items()))))
    assert (
        body
        == (
            '{"event":"ev","fields":{"a":1,"b":2},"id":"act-1","org_id":"7","rule":"r","target":"ops",'
            '"text":"Grüße","ticket_id":"42"}'
        ).encode()
    )
    assert webhook.body("act-1", ACTION, {**PARAMS, "format": "slack"}) == '{"text":"Grüße"}'.encode()


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = webhook.body("act-1", ACTION, PARAMS)
    headers = webhook.headers("act-1", body, "k", 1_700_000_000)
    digest = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert headers == {
        "Content-Type": "application/json",
        "Idempotency-Key": "act-1",
        "X-Deskpilot-Signature": f"t=1700000000,v1={digest}",
    }
    assert "X-Deskpilot-Signature" not in webhook.headers("act-1", body, None, 1_700_000_000)


def test_the_receivers_check() -> None:
    body = b'{"text":"x"}'
    header = webhook.signature("k", 1_700_000_000, body)
    assert webhook.verify_signature("k", header, body, now=1_700_000_100)
    assert not webhook.verify_signature("k", header, body + b" ", now=1_700_000_100)
    assert not webhook.verify_signature("other", header, body, now=1_700_000_100)
    assert not webhook.verify_signature("k", header, body, now=1_700_000_000 + 301)
    assert not webhook.verify_signature("k", "t=soon,v1=00", body, now=1_700_000_000)
    assert not webhook.verify_signature("k", "garbage", body, now=1_700_000_000)
