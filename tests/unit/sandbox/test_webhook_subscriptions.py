"""Webhook bodies as the vendor's spec reads them, the edition limits, and the signing keys and their faults."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import jwt
import pytest

from sandbox.errors import ApiError
from sandbox.seed import seed_desk
from sandbox.state import Desk, Org
from sandbox.webhooks.hub import Webhooks
from sandbox.webhooks.signing import Signer
from sandbox.webhooks.subscriptions import MAX_WEBHOOKS, EventFilter, read_body
from tests.unit.sandbox.helpers import FrozenClock

ANCHOR = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
URL = "http://127.0.0.1:9/hook"


def desk_and_org(edition: str = "Professional") -> tuple[Desk, Org]:
    desk = Desk(clock=FrozenClock(ANCHOR))
    seed_desk(desk, seed=3, orgs=1, tickets=2, anchor=ANCHOR)
    org = next(iter(desk.orgs.values()))
    org.edition = edition
    return desk, org


def invalid_fields(org: Org, body: Any, create: bool = True) -> list[tuple[str, str]]:
    with pytest.raises(ApiError) as raised:
        read_body(org, body, create=create)
    assert (raised.value.status, raised.value.code) == (422, "INVALID_DATA")
    return [(error["fieldName"], error["errorType"]) for error in raised.value.errors or []]


def test_a_full_body_is_read_into_filters() -> None:
    _, org = desk_and_org()
    department = next(iter(org.departments))
    values = read_body(
        org,
        {
            "url": URL,
            "name": "deskpilot",
            "subscriptions": {
                "Ticket_Add": None,
                "Ticket_Update": {
                    "departmentId": [department],
                    "fields": ["status", "ModelName", "cf_model_name"],
                    "includePrevState": True,
                },
                "Ticket_Thread_Add": {"direction": "in"},
                "Contact_Add": None,
            },
            "ignoreSourceId": "49AD222A-F812-11E7-8C3F-9A214CF093AE",
            "includeEventsFrom": ["AUTOMATION"],
            "id": "ignored: read-only",
        },
        create=True,
    )
    assert values["subscriptions"]["Ticket_Update"] == EventFilter(
        department_ids=frozenset({department}), fields=("status", "ModelName", "cf_model_name"), include_prev_state=True
    )
    assert values["subscriptions"]["Ticket_Thread_Add"] == EventFilter(direction="in")
    assert values["ignore_source_id"] == "49ad222a-f812-11e7-8c3f-9a214cf093ae"
    assert values["include_events_from"] == ("AUTOMATION",)


def test_every_bad_key_is_named() -> None:
    _, org = desk_and_org()
    body = {
        "url": "ftp://example.com/",
        "subscriptions": {
            "Ticket_Update": {"fields": ["status", "priority", "subject", "channel", "email", "phone"]},
            "Ticket_Thread_Add": {"direction": "sideways"},
            "Ticket_Add": {"departmentIds": ["1"]},
        },
        "ignoreSourceId": "not-a-uuid",
        "colour": "blue",
    }
    assert sorted(invalid_fields(org, body)) == [
        ("/colour", "invalid"),
        ("/ignoreSourceId", "invalid"),
        ("/subscriptions/Ticket_Add/departmentIds", "invalid"),
        ("/subscriptions/Ticket_Thread_Add/direction", "invalid"),
        ("/subscriptions/Ticket_Update/fields", "invalid"),
        ("/url", "invalid"),
    ]
    assert invalid_fields(org, {"url": URL, "subscriptions": {"Ticket_Update": {"fields": ["a"] * 6}}}) == [
        ("/subscriptions/Ticket_Update/fields", "invalid")
    ]
    assert invalid_fields(org, {"url": URL, "subscriptions": {"Ticket_Thread_Add": {"direction": "up"}}}) == [
        ("/subscriptions/Ticket_Thread_Add/direction", "invalid")
    ]
    assert invalid_fields(org, {"url": URL, "subscriptions": {"Ticket_Delete": {"departmentIds": []}}}) == [
        ("/subscriptions/Ticket_Delete", "invalid")
    ]
    assert invalid_fields(org, {"url": URL, "subscriptions": {"Ticket_Teleport": None}}) == [
        ("/subscriptions/Ticket_Teleport", "invalid")
    ]


def test_required_keys() -> None:
    _, org = desk_and_org()
    assert sorted(invalid_fields(org, {"name": "x"})) == [("/subscriptions", "missing"), ("/url", "missing")]
    assert invalid_fields(org, {"isEnabled": False}, create=False) == [("/subscriptions", "missing")]


def create(hooks: Webhooks, org: Org, enabled: bool = True) -> None:
    hooks.create(org, {"url": URL, "subscriptions": {"Ticket_Add": None}, "is_enabled": enabled}, created_by="1")


@pytest.mark.parametrize(("edition", "enabled"), [("Professional", 5), ("Enterprise", 10), ("Standard", 0)])
def test_the_edition_limits_enabled_webhooks_and_20_in_all(edition: str, enabled: int) -> None:
    desk, org = desk_and_org(edition)
    hooks = Webhooks(desk)
    for _ in range(enabled):
        create(hooks, org)
    with pytest.raises(ApiError) as raised:
        create(hooks, org)
    assert (raised.value.status, raised.value.code) == (422, "LICENSE_ACCESS_LIMITED")
    assert edition in raised.value.message
    for _ in range(MAX_WEBHOOKS - enabled):
        create(hooks, org, enabled=False)
    with pytest.raises(ApiError, match="at most 20"):
        create(hooks, org, enabled=False)
    assert len(hooks.store.of(org.id)) == MAX_WEBHOOKS


def test_an_update_past_the_limit_changes_nothing() -> None:
    desk, org = desk_and_org("Professional")
    hooks = Webhooks(desk)
    for _ in range(5):
        create(hooks, org)
    create(hooks, org, enabled=False)
    disabled = next(webhook for webhook in hooks.store.of(org.id).values() if not webhook.is_enabled)
    with pytest.raises(ApiError):
        hooks.update(org, disabled, {"is_enabled": True})
    assert not hooks.store.get(org.id, disabled.id).is_enabled


def test_the_last_webhook_removed_stops_watching_the_org() -> None:
    desk, org = desk_and_org()
    hooks = Webhooks(desk)
    create(hooks, org)
    assert org.observer is hooks.observer
    [webhook_id] = hooks.store.of(org.id)
    assert hooks.remove(org.id, webhook_id)
    assert org.observer is None and not hooks.remove(org.id, webhook_id)


def verify(signer: Signer, token: str | None) -> dict[str, Any]:
    assert token is not None
    keys = jwt.PyJWKSet.from_dict(signer.jwks())
    key = keys[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], audience="webhookId:7", issuer="orgId:5", options={"require": ["jti"]}
    )
    return claims


def test_tokens_verify_against_the_jwks_and_rotation_keeps_or_drops_old_keys() -> None:
    signer = Signer()
    before = signer.sign("5", "7")
    assert verify(signer, before.token)["jti"] == before.jti
    old_kid = signer.current().kid
    new_kid = signer.rotate(keep_old=True)
    assert signer.kids() == [old_kid, new_kid] and verify(signer, before.token)
    assert jwt.get_unverified_header(signer.sign("5", "7").token or "")["kid"] == new_kid
    signer.rotate(keep_old=False)
    with pytest.raises(KeyError):
        verify(signer, before.token)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("expired", jwt.ExpiredSignatureError),
        ("wrongKey", jwt.InvalidSignatureError),
        ("wrongIssuer", jwt.InvalidIssuerError),
        ("wrongAudience", jwt.InvalidAudienceError),
        ("malformed", jwt.DecodeError),
        ("unknownKid", KeyError),
    ],
)
def test_faulty_tokens_fail_verification(fault: Any, error: type[Exception]) -> None:
    signer = Signer()
    with pytest.raises(error):
        verify(signer, signer.sign("5", "7", fault).token)


def test_a_missing_token_is_none() -> None:
    assert Signer().sign("5", "7", "missing").token is None
