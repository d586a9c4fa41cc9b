"""The delivery controls over real HTTP: drop, duplicate, delay, reorder, pause, replay, bad tokens, key rotation,
and the delivery log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import orjson
import pytest

from tests.integration.sandbox.webhook_support import (
    JWT_HEADER,
    claims,
    clean_slate,  # noqa: F401 (autouse fixture)
    controls,
    deliveries,
    drain,
    events,
    header,
    receiver_fixture,  # noqa: F401 (the receiver fixture)
    subscribe,
)
from tests.support.receiver import Receiver
from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 4


@pytest.fixture
def ticket_id(client: httpx.Client) -> str:
    ticket_id: str = client.get("/tickets", params={"limit": 1}).json()["data"][0]["id"]
    return ticket_id


def change(client: httpx.Client, ticket_id: str, subject: str) -> None:
    assert client.patch(f"/tickets/{ticket_id}", json={"subject": subject}).status_code == 200


def subjects(receiver: Receiver) -> list[str]:
    return [event["payload"]["subject"] for event in events(receiver)]


def test_drop_all_then_none(desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str) -> None:
    subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, dropRate=1.0)
    change(client, ticket_id, "dropped")
    controls(desk, dropRate=0.0)
    change(client, ticket_id, "kept")
    drain(desk)
    assert subjects(receiver) == ["kept"]
    assert [(item["outcome"], item["body"][0]["payload"]["subject"]) for item in deliveries(desk)] == [
        ("dropped", "dropped"),
        ("delivered", "kept"),
    ]


def test_duplicates_are_new_sends_of_the_same_body(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    webhook = subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, duplicateRate=1.0)
    change(client, ticket_id, "twice")
    drain(desk)
    first, second = receiver.requests
    assert first.body == second.body
    jtis = {claims(desk, request, desk.org_ids[0], webhook["id"])["jti"] for request in (first, second)}
    assert len(jtis) == 2
    assert [item["kind"] for item in deliveries(desk)] == ["first", "duplicate"]


def test_reorder_holds_a_delivery_back_so_a_later_one_overtakes_it(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, reorderRate=1.0, reorderDelayMs=1500)
    change(client, ticket_id, "older")
    controls(desk, reorderRate=0.0)
    change(client, ticket_id, "newer")
    drain(desk)
    assert subjects(receiver) == ["newer", "older"]


def test_delay_and_pause_hold_deliveries_in_order(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    # given paused deliveries
    subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, paused=True, delayMs=50)
    for subject in ("one", "two", "three"):
        change(client, ticket_id, subject)
    # then nothing is sent while paused, however long we wait for it
    held = desk.control.post("/_sandbox/webhooks/drain", json={"timeoutS": 0.5}).json()
    assert held == {"pending": 3} and receiver.requests == []
    # and all go out in order once resumed
    controls(desk, paused=False)
    drain(desk)
    assert subjects(receiver) == ["one", "two", "three"]


def test_replay_sends_the_same_request_again(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    subscribe(client, receiver.url, {"Ticket_Update": None})
    change(client, ticket_id, "replayed")
    drain(desk)
    [original] = deliveries(desk)
    answer = desk.control.post(f"/_sandbox/webhooks/deliveries/{original['seq']}/replay")
    assert answer.status_code == 200 and answer.json()["kind"] == "replay"
    first, again = receiver.requests
    assert (first.body, header(first, JWT_HEADER)) == (again.body, header(again, JWT_HEADER))
    missing = desk.control.post("/_sandbox/webhooks/deliveries/999999/replay")
    assert missing.status_code == 422 and "no sent delivery" in missing.json()["error"]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("expired", jwt.ExpiredSignatureError),
        ("wrongKey", jwt.InvalidSignatureError),
        ("wrongIssuer", jwt.InvalidIssuerError),
        ("wrongAudience", jwt.InvalidAudienceError),
        ("unknownKid", KeyError),
    ],
)
def test_jwt_faults_fail_verification(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str, fault: str, error: Any
) -> None:
    webhook = subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, jwtFault=fault)
    change(client, ticket_id, fault)
    drain(desk)
    [request] = receiver.requests
    with pytest.raises(error):
        claims(desk, request, desk.org_ids[0], webhook["id"])


def test_a_missing_jwt(desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str) -> None:
    subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, jwtFault="missing")
    change(client, ticket_id, "unsigned")
    drain(desk)
    [request] = receiver.requests
    assert header(request, JWT_HEADER) is None and orjson.loads(request.body)[0]["eventType"] == "Ticket_Update"


def test_rotation_signs_with_the_new_key_and_keeps_or_drops_the_old(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    webhook = subscribe(client, receiver.url, {"Ticket_Update": None})
    rotated = desk.control.post("/_sandbox/webhooks/keys/rotate", json={"keepOld": True}).json()
    change(client, ticket_id, "new key")
    drain(desk)
    [request] = receiver.requests
    assert jwt.get_unverified_header(header(request, JWT_HEADER) or "")["kid"] == rotated["kid"]
    assert claims(desk, request, desk.org_ids[0], webhook["id"])
    jwks = httpx.get(f"{desk.base_url}/.well-known/jwks.json").json()
    assert [key["kid"] for key in jwks["keys"]] == rotated["kids"] and len(rotated["kids"]) >= 2
    dropped = desk.control.post("/_sandbox/webhooks/keys/rotate", json={"keepOld": False}).json()
    assert len(dropped["kids"]) == 1
    with pytest.raises(KeyError):
        claims(desk, request, desk.org_ids[0], webhook["id"])


def test_the_log_filters_by_seq_and_webhook_and_the_overview_counts(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    first = subscribe(client, receiver.url + "/a", {"Ticket_Update": None})
    second = subscribe(client, receiver.url + "/b", {"Ticket_Update": None})
    change(client, ticket_id, "logged")
    drain(desk)
    entries = deliveries(desk)
    assert sorted(item["webhookId"] for item in entries) == sorted([first["id"], second["id"]])
    assert [item["webhookId"] for item in deliveries(desk, webhookId=second["id"])] == [second["id"]]
    assert deliveries(desk, since=max(item["seq"] for item in entries)) == []
    assert all(item["ticketIds"] == [ticket_id] and item["status"] == 200 for item in entries)
    overview = desk.control.get("/_sandbox/webhooks").json()
    assert overview["counts"] == {"delivered": 2} and overview["pending"] == 0


def test_bad_control_bodies_are_422(desk: SandboxProcess) -> None:
    for body in ({"dropRate": 2}, {"jwtFault": "sometimes"}, {"colour": "blue"}, {"delayMs": -1}, {"concurrency": 0}):
        answer = desk.control.post("/_sandbox/webhooks/controls", json=body)
        assert answer.status_code == 422, body
    assert desk.control.get("/_sandbox/webhooks/deliveries", params={"since": "x"}).status_code == 422


def test_concurrency_lets_one_webhooks_deliveries_overlap(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver, ticket_id: str
) -> None:
    # given a receiver slow to answer and four sends allowed in flight
    receiver.answers = [("slow", 0.5)] * 4
    subscribe(client, receiver.url, {"Ticket_Update": None})
    controls(desk, concurrency=4)
    for subject in ("a", "b", "c", "d"):
        change(client, ticket_id, subject)
    drain(desk)
    # then every send started before the first of them was answered
    sent = [
        (datetime.fromisoformat(item["sentAt"].replace("Z", "+00:00")), item["durationMs"]) for item in deliveries(desk)
    ]
    first_answer = min(start + timedelta(milliseconds=duration) for start, duration in sent)
    assert len(sent) == 4 and max(start for start, _ in sent) < first_answer


def test_validate_urls_refuses_a_url_that_does_not_answer_200(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver
) -> None:
    # given the Desk's URL check on, and a receiver that answers GET 501 (no handler) and its first POST 500
    controls(desk, validateUrls=True)
    receiver.answers = [500]
    body = {"url": receiver.url, "subscriptions": {"Ticket_Add": None}}
    # then the create is refused naming the URL, and nothing is stored
    refused = client.post("/webhooks", json=body)
    assert refused.status_code == 422 and receiver.url in refused.json()["message"]
    assert client.get("/webhooks").status_code == 204
    assert [request.body for request in receiver.requests] == [b"[]"]
    # and a receiver answering the validation POST 200 is accepted
    assert client.post("/webhooks", json=body).status_code == 200
