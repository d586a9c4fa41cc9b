"""Webhooks over real HTTP: the /webhooks API, and deliveries of the sandbox's own changes to a local receiver,
signed with the key its JWKS publishes."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson
import pytest

from tests.integration.sandbox.helpers import scoped_token
from tests.integration.sandbox.ticket_support import reply_addresses
from tests.integration.sandbox.vendor_keys import TICKET_READ_ONLY_KEYS
from tests.integration.sandbox.webhook_support import (
    claims,
    clean_slate,  # noqa: F401 (autouse fixture)
    deliveries,
    drain,
    event_types,
    events,
    other_org,
    receiver_fixture,  # noqa: F401 (the receiver fixture)
    subscribe,
)
from tests.support.receiver import Received, Receiver
from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 6
SOURCE = "49ad222a-f812-11e7-8c3f-9a214cf093ae"


def first_ticket(client: httpx.Client) -> dict[str, Any]:
    ticket: dict[str, Any] = client.get("/tickets", params={"limit": 1}).json()["data"][0]
    return ticket


def new_priority(ticket: dict[str, Any]) -> str:
    return "High" if ticket.get("priority") != "High" else "Low"


# the API ----------------------------------------------------------------------------------------------------------
def test_create_read_update_delete(client: httpx.Client) -> None:
    # when a webhook is created
    created = subscribe(client, "http://127.0.0.1:9/hook", {"Ticket_Add": None}, description="mine")
    # then it is answered as stored, enabled by default
    assert created["isEnabled"] is True and created["type"] == "CUSTOMER_WEBHOOK"
    assert created["subscriptions"] == {"Ticket_Add": None} and created["id"].isdigit()
    assert client.get(f"/webhooks/{created['id']}").json() == created
    assert [item["id"] for item in client.get("/webhooks").json()["data"]] == [created["id"]]
    # and an update replaces the keys it gives; subscriptions are required, as the vendor's spec says
    assert client.patch(f"/webhooks/{created['id']}", json={"isEnabled": False}).status_code == 422
    patched = client.patch(
        f"/webhooks/{created['id']}",
        json={"isEnabled": False, "subscriptions": {"Ticket_Update": {"fields": ["status"]}}},
    ).json()
    assert patched["isEnabled"] is False and patched["subscriptions"] == {"Ticket_Update": {"fields": ["status"]}}
    assert patched["description"] == "mine"
    # and a delete answers 200 with no body, after which the webhook is gone
    deleted = client.delete(f"/webhooks/{created['id']}")
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert client.get(f"/webhooks/{created['id']}").status_code == 404
    assert client.get("/webhooks").status_code == 204


def test_bad_bodies_name_their_fields(client: httpx.Client) -> None:
    answer = client.post(
        "/webhooks", json={"url": "not a url", "subscriptions": {"Ticket_Update": {"fields": ["a"] * 6}}}
    )
    assert answer.status_code == 422 and answer.json()["errorCode"] == "INVALID_DATA"
    assert {error["fieldName"] for error in answer.json()["errors"]} == {
        "/url",
        "/subscriptions/Ticket_Update/fields",
    }
    missing = client.post("/webhooks", json={"name": "x"}).json()
    assert {(e["fieldName"], e["errorType"]) for e in missing["errors"]} == {
        ("/url", "missing"),
        ("/subscriptions", "missing"),
    }


def test_the_edition_limit_is_a_clear_422(client: httpx.Client) -> None:
    for _ in range(5):  # the first org is Professional: 5 enabled
        subscribe(client, "http://127.0.0.1:9/hook", {"Ticket_Add": None})
    answer = client.post("/webhooks", json={"url": "http://127.0.0.1:9/", "subscriptions": {"Ticket_Add": None}})
    assert answer.status_code == 422 and answer.json()["errorCode"] == "LICENSE_ACCESS_LIMITED"
    assert "Professional edition allows 5 enabled webhooks" in answer.json()["message"]


def test_a_token_without_the_events_scope_is_refused(desk: SandboxProcess) -> None:
    token = scoped_token(desk, "Desk.tickets.ALL")
    with httpx.Client(base_url=desk.api_root, headers={"Authorization": f"Zoho-oauthtoken {token}"}) as other:
        answer = other.get("/webhooks", headers={"orgId": desk.org_ids[0]})
    assert answer.status_code == 401 and answer.json()["errorCode"] == "SCOPE_MISMATCH"


# deliveries -------------------------------------------------------------------------------------------------------
def test_an_update_is_delivered_signed_with_the_ticket_and_its_prev_state(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver
) -> None:
    # given a webhook on ticket updates with the previous state
    webhook = subscribe(client, receiver.url + "/hook", {"Ticket_Update": {"includePrevState": True}})
    ticket = first_ticket(client)
    # when the ticket's priority changes through the API
    answer = client.patch(f"/tickets/{ticket['id']}", json={"priority": new_priority(ticket)})
    drain(desk)
    # then one delivery came, an array of one event shaped as the contract says
    [request] = receiver.requests
    assert request.path == "/hook"
    [event] = events(receiver)
    assert set(event) == {"eventType", "orgId", "eventTime", "payload", "prevState"}
    assert (event["eventType"], event["orgId"]) == ("Ticket_Update", desk.org_ids[0])
    assert event["eventTime"].isdigit()
    # and its payload is the ticket as GET answers it after the change (the PATCH answer, and GET's read-only
    # keys), prevState the ticket before
    payload = event["payload"]
    assert payload == client.get(f"/tickets/{ticket['id']}").json()
    assert {key: value for key, value in payload.items() if key not in TICKET_READ_ONLY_KEYS} == answer.json()
    assert event["prevState"]["priority"] == ticket["priority"]
    # and its JWT verifies against the JWKS, for this org and this webhook
    verified = claims(desk, request, desk.org_ids[0], webhook["id"])
    assert verified["exp"] - verified["iat"] == 300
    [logged] = deliveries(desk)
    assert (logged["outcome"], logged["status"], logged["jti"]) == ("delivered", 200, verified["jti"])


def test_filters_fields_departments_and_direction(desk: SandboxProcess, client: httpx.Client) -> None:
    # given receivers behind webhooks with different filters
    hooks = {name: Receiver().start() for name in ("fields", "other_department", "incoming", "all")}
    try:
        ticket = first_ticket(client)
        departments = [item["id"] for item in client.get("/departments").json()["data"]]
        other = next(department for department in departments if department != ticket["departmentId"])
        subscribe(client, hooks["fields"].url, {"Ticket_Update": {"fields": ["priority"]}})
        subscribe(client, hooks["other_department"].url, {"Ticket_Update": {"departmentIds": [other]}})
        subscribe(client, hooks["incoming"].url, {"Ticket_Thread_Add": {"direction": "in"}})
        subscribe(client, hooks["all"].url, {"Ticket_Update": None, "Ticket_Thread_Add": None})
        # when the subject changes, then the priority, then an agent replies and the customer answers
        client.patch(f"/tickets/{ticket['id']}", json={"subject": "webhook filters"})
        client.patch(f"/tickets/{ticket['id']}", json={"priority": new_priority(ticket)})
        sender = reply_addresses(client)[0]
        reply = {"channel": "EMAIL", "content": "On it.", "fromEmailAddress": sender, "to": "carol@zylker.com"}
        assert client.post(f"/tickets/{ticket['id']}/sendReply", json=reply).status_code == 200
        assert desk.control.post(f"/_sandbox/tickets/{ticket['id']}/customerReply").status_code == 200
        drain(desk)
        # then each webhook got what its filter lets through, in order
        assert event_types(hooks["fields"]) == ["Ticket_Update"]
        assert events(hooks["fields"])[0]["payload"]["priority"] == new_priority(ticket)
        assert event_types(hooks["other_department"]) == []
        assert [event["payload"]["direction"] for event in events(hooks["incoming"])] == ["in"]
        incoming = events(hooks["incoming"])[0]["payload"]
        assert incoming.pop("ticketId") == ticket["id"]
        assert incoming == client.get(f"/tickets/{ticket['id']}/threads/{incoming['id']}").json()
        thread_adds = ["Ticket_Thread_Add", "Ticket_Thread_Add"]  # the customer's also moved customerResponseTime
        assert event_types(hooks["all"]) == ["Ticket_Update", "Ticket_Update", *thread_adds, "Ticket_Update"]
    finally:
        for hook in hooks.values():
            hook.stop()


def test_comments_new_tickets_and_the_source_to_ignore(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver
) -> None:
    # given two webhooks, one ignoring the changes our own source id makes
    events_wanted = {"Ticket_Add": None, "Ticket_Comment_Add": None, "Ticket_Comment_Update": None}
    subscribe(client, receiver.url + "/all", events_wanted)
    subscribe(client, receiver.url + "/others", events_wanted, ignoreSourceId=SOURCE)
    ticket = first_ticket(client)
    # when a comment is added and edited without the source header, then one is added with it
    comment = client.post(f"/tickets/{ticket['id']}/comments", json={"content": "first"}).json()
    client.patch(f"/tickets/{ticket['id']}/comments/{comment['id']}", json={"content": "edited"})
    client.post(f"/tickets/{ticket['id']}/comments", json={"content": "mine"}, headers={"sourceId": SOURCE})
    drain(desk)
    # then each payload is the comment as GET answers it, with its ticket's id
    edited = next(event["payload"] for event in events(receiver) if event["eventType"] == "Ticket_Comment_Update")
    assert edited.pop("ticketId") == ticket["id"]
    assert edited == client.get(f"/tickets/{ticket['id']}/comments/{comment['id']}").json()
    # and the comment events came to both, except the source's own to the webhook ignoring it
    received = [(request.path, event["eventType"], event["payload"]["content"]) for request, event in pairs(receiver)]
    assert sorted(received) == sorted(
        [
            ("/all", "Ticket_Comment_Add", "first"),
            ("/others", "Ticket_Comment_Add", "first"),
            ("/all", "Ticket_Comment_Update", "edited"),
            ("/others", "Ticket_Comment_Update", "edited"),
            ("/all", "Ticket_Comment_Add", "mine"),
        ]
    )


def pairs(receiver: Receiver) -> list[tuple[Received, dict[str, Any]]]:
    return [(request, event) for request in receiver.requests for event in orjson.loads(request.body)]


def test_only_enabled_webhooks_of_the_changed_org_receive(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver
) -> None:
    subscribe(client, receiver.url + "/off", {"Ticket_Update": None}, isEnabled=False)
    with other_org(desk, client, desk.org_ids[1]) as second_org:
        subscribe(second_org, receiver.url + "/other-org", {"Ticket_Update": None})
    ticket = first_ticket(client)
    client.patch(f"/tickets/{ticket['id']}", json={"priority": new_priority(ticket)})
    drain(desk)
    assert receiver.requests == [] and deliveries(desk) == []


def test_a_410_removes_the_webhook_and_failures_are_recorded(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver
) -> None:
    # given a receiver that fails once, then answers 410 Gone
    receiver.answers = [500, 410]
    webhook = subscribe(client, receiver.url, {"Ticket_Update": None})
    ticket = first_ticket(client)
    # when the ticket changes three times
    for subject in ("one", "two", "three"):
        client.patch(f"/tickets/{ticket['id']}", json={"subject": subject})
    drain(desk)
    # then the first failed, the second removed the webhook, the third was never sent
    assert [(item["outcome"], item["status"]) for item in deliveries(desk)] == [
        ("failed", 500),
        ("gone", 410),
        ("cancelled", None),
    ]
    assert len(receiver.requests) == 2
    assert client.get(f"/webhooks/{webhook['id']}").status_code == 404


@pytest.mark.timeout(30)
def test_the_write_is_answered_before_its_delivery(
    desk: SandboxProcess, client: httpx.Client, receiver: Receiver
) -> None:
    # given a receiver that takes a second to answer
    receiver.answers = [("slow", 1.0)]
    subscribe(client, receiver.url, {"Ticket_Update": None})
    ticket = first_ticket(client)
    # when the ticket changes
    answer = client.patch(f"/tickets/{ticket['id']}", json={"subject": "not waiting"})
    # then the write is answered while its delivery is still out
    assert answer.status_code == 200
    assert desk.control.get("/_sandbox/webhooks").json()["pending"] == 1 and deliveries(desk) == []
    drain(desk)
    assert [item["outcome"] for item in deliveries(desk)] == ["delivered"]


def test_activity_changes_are_delivered_too(desk: SandboxProcess, client: httpx.Client, receiver: Receiver) -> None:
    subscribe(
        client,
        receiver.url,
        {"Ticket_Add": None, "Ticket_Update": None, "Ticket_Thread_Add": None},
    )
    desk.control.post("/_sandbox/activity", json={"ratePerS": 50, "seed": 4, "orgIds": [desk.org_ids[0]]})
    try:
        for _ in range(200):  # bounded: at 50 changes a second, a handful come within a few rounds
            if len(receiver.requests) >= 5:
                break
            time.sleep(0.05)
    finally:
        desk.control.delete("/_sandbox/activity")
    drain(desk)
    assert len(receiver.requests) >= 5
    assert set(event_types(receiver)) <= {"Ticket_Add", "Ticket_Update", "Ticket_Thread_Add"}
    assert all(item["outcome"] == "delivered" for item in deliveries(desk))


def test_a_merge_deletes_the_merged_ticket(desk: SandboxProcess, client: httpx.Client, receiver: Receiver) -> None:
    subscribe(client, receiver.url, {"Ticket_Delete": None})
    target, merged = client.get("/tickets", params={"limit": 2}).json()["data"]
    answer = client.post(f"/tickets/{target['id']}/merge", json={"ids": [merged["id"]], "source": {}})
    assert answer.status_code == 200, answer.text
    drain(desk)
    assert [(event["eventType"], event["payload"]["id"]) for event in events(receiver)] == [
        ("Ticket_Delete", merged["id"])
    ]
