"""notify through the enforcer against a real HTTP receiver on 127.0.0.1 and a real redis-server: the signature
verifies as the README tells receivers to check it, the idempotency key is the action id, 5xx and timeouts are
retried (raised for dramatiq) with the same body, a 4xx or a missing variable is dead-lettered, and a retry after
a delivery the worker could not finish sends nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from config.settings import Settings
from tests.support.receiver import Receiver
from worker.actions import webhook
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.actions.outbound import DeliveryFailed, Outbound, mark_delivered
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.store import Store
from worker.store.records import LedgerAction

SECRET = "s3cr3t-for-tests"
ENV = {"HOOK_SECRET": SECRET}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def deliver(store: Store, receiver: Receiver, env: dict[str, str] = ENV, timeout_s: float = 2.0) -> Enforcer:
    outbound = Outbound(httpx.Client(timeout=timeout_s), environ=env)
    return Enforcer(store, "test-worker", send_next=lambda _: None, outbound=outbound)


def record(store: Store, receiver: Receiver, action_id: str = "a1", **params: Any) -> str:
    planned = {"target": "ops", "format": "json", "url": f"{receiver.url}/hook", "secret_env": "HOOK_SECRET"}
    planned.update(params)
    planned.setdefault("text", "Ticket #1042 breached its SLA")
    action = LedgerAction(rule="r", type="notify", params=planned, ticket="1042", org="7", event="ev-1", version="v")
    store.ledger.record(action_id, action)
    return action_id


def apply(enforcer: Enforcer, action_id: str) -> ApplyResult:
    """A notify calls no Desk: the org's client is one that would fail if it did (port 9, discard)."""
    config = desk_config(Settings(api_root="http://127.0.0.1:9/api/v1", accounts_url="http://127.0.0.1:9"))
    with DeskClient(config, enforcer.store.redis, "7") as client:
        return enforcer.apply(action_id, lambda org: client)


def test_a_delivery_is_signed_keyed_by_the_action_and_sent_once(store, receiver):
    enforcer = deliver(store, receiver)
    action_id = record(store, receiver, fields={"priority": "High"})
    assert apply(enforcer, action_id) == ApplyResult.DONE
    assert apply(enforcer, action_id) == ApplyResult.ALREADY_FINAL
    [request] = receiver.requests
    assert request.path == "/hook"
    assert request.headers["Idempotency-Key"] == action_id
    # the receiver's check, written from the README: HMAC-SHA256(secret, "<t>.<raw body>") in hex, t recent
    parts = dict(item.split("=", 1) for item in request.headers["X-Deskpilot-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert abs(time.time() - int(parts["t"])) < 60
    assert webhook.verify_signature(SECRET, request.headers["X-Deskpilot-Signature"], request.body, time.time())
    assert not webhook.verify_signature(
        SECRET, request.headers["X-Deskpilot-Signature"], request.body + b" ", time.time()
    )
    assert json.loads(request.body) == {
        "id": action_id,
        "rule": "r",
        "target": "ops",
        "org_id": "7",
        "ticket_id": "1042",
        "event": "ev-1",
        "text": "Ticket #1042 breached its SLA",
        "fields": {"priority": "High"},
    }
    done = store.ledger.get(action_id)
    assert done is not None and done.state == "done" and done.outcome == "delivered to ops (200)"


def test_a_slack_target_gets_a_slack_message_and_no_signature_without_a_secret(store, receiver):
    action_id = record(store, receiver, format="slack", secret_env=None, text="*VIP* ticket breached")
    assert apply(deliver(store, receiver), action_id) == ApplyResult.DONE
    [request] = receiver.requests
    assert json.loads(request.body) == {"text": "*VIP* ticket breached"}
    assert "X-Deskpilot-Signature" not in request.headers


@pytest.mark.parametrize("first", [503, 429, ("slow", 1.5)], ids=["5xx", "429", "timeout"])
def test_a_transient_failure_is_raised_for_a_retry_that_sends_the_same_body(store, receiver, first):
    receiver.answers = [first]
    enforcer = deliver(store, receiver, timeout_s=0.5)
    action_id = record(store, receiver)
    with pytest.raises(DeliveryFailed):
        apply(enforcer, action_id)
    pending = store.ledger.get(action_id)
    assert pending is not None and pending.state == "planned" and pending.attempts == 1
    assert not store.ledger.is_claimed(action_id)
    assert apply(enforcer, action_id) == ApplyResult.DONE
    deadline = time.monotonic() + 5
    while len(receiver.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first_try, second_try = receiver.requests
    assert first_try.body == second_try.body
    assert first_try.headers["Idempotency-Key"] == second_try.headers["Idempotency-Key"] == action_id
    assert len(receiver.unique()) == 1


def test_a_4xx_is_permanent_and_dead_lettered(store, receiver):
    receiver.answers = [400]
    action_id = record(store, receiver)
    assert apply(deliver(store, receiver), action_id) == ApplyResult.FAILED
    failed = store.ledger.get(action_id)
    assert failed is not None and failed.state == "failed"
    assert "refused the message (400)" in failed.outcome
    assert [entry["action_id"] for entry in store.dead_letters.list()] == [action_id]


def test_a_missing_secret_variable_fails_with_its_name_and_sends_nothing(store, receiver):
    action_id = record(store, receiver)
    assert apply(deliver(store, receiver, env={}), action_id) == ApplyResult.FAILED
    failed = store.ledger.get(action_id)
    assert failed is not None
    assert "environment variable HOOK_SECRET is not set" in failed.outcome
    assert receiver.requests == []


def test_a_url_from_the_environment(store, receiver):
    action_id = record(store, receiver, url=None, url_env="OPS_HOOK_URL")
    env = {**ENV, "OPS_HOOK_URL": f"{receiver.url}/from-env"}
    assert apply(deliver(store, receiver, env=env), action_id) == ApplyResult.DONE
    assert [request.path for request in receiver.requests] == ["/from-env"]
    second = record(store, receiver, "a2", url=None, url_env="OPS_HOOK_URL")
    assert apply(deliver(store, receiver, env={**ENV, "OPS_HOOK_URL": "hooks.example/T0/secret"}), second) == (
        ApplyResult.FAILED
    )
    failed = store.ledger.get(second)
    assert failed is not None and "does not hold an http(s) URL" in failed.outcome and "secret" not in failed.outcome


def test_a_retry_after_an_unfinished_delivery_finishes_it_without_sending(store, receiver):
    # a worker delivered (the ledger's mark is written) and died before finishing the action
    action_id = record(store, receiver)
    store.ledger.begin_attempt(action_id)
    mark_delivered(store, action_id)
    assert apply(deliver(store, receiver), action_id) == ApplyResult.VERIFIED
    assert receiver.requests == []


def test_the_demo_redirect_sends_every_target_to_one_local_receiver(store, receiver):
    action_id = record(store, receiver, url="https://hooks.slack.com/services/never")
    enforcer = deliver(store, receiver)
    assert enforcer.outbound is not None
    enforcer.outbound.redirect = f"{receiver.url}/_sandbox/notify"
    assert apply(enforcer, action_id) == ApplyResult.DONE
    assert [request.path for request in receiver.requests] == ["/_sandbox/notify/ops"]
