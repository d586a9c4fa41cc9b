"""Every served answer of a write whose vendor operation declares a response schema validates against it
(tests/fixtures/vendor_schemas.json, the operations not starting with GET), but for the fields
tests/fixtures/vendor_contradictions.json names. The writes whose vendor operation answers with no content (move,
updateMany, markSpam, dissociateTag, the deletes, an attachment's PATCH) are checked for their status by the
resources' own tests.

Each write makes the records it changes, so the operations share this module's sandbox without depending on order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.ticket_support import make_ticket
from tests.integration.sandbox.vendor_schema_support import SCHEMAS, problems

WRITES = sorted(operation for operation in SCHEMAS if not operation.startswith("GET "))
FILE = {"file": ("notes.txt", b"schema", "text/plain")}


def ok(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return answer.json()


def hook(event: str) -> dict[str, Any]:
    """A disabled webhook (nothing is delivered) subscribed to one event."""
    return {"url": "http://127.0.0.1:9/hook", "name": "schema", "isEnabled": False, "subscriptions": {event: None}}


def reply_body(client: httpx.Client, ticket: dict[str, Any]) -> dict[str, Any]:
    """An e-mail reply from the department's active reply address to the ticket's contact."""
    addresses = [item for item in ok(client.get("/mailReplyAddress"))["data"] if item["isActive"]]
    mine = [item for item in addresses if item["departmentId"] == ticket["departmentId"]] or addresses
    to = ok(client.get(f"/contacts/{ticket['contactId']}"))["email"]
    return {"channel": "EMAIL", "to": to, "fromEmailAddress": mine[0]["address"], "content": "Schema."}


def splittable(client: httpx.Client) -> str:
    """A seeded ticket's later incoming thread, as its split path: what split can take off."""
    for ticket in ok(client.get("/tickets", params={"limit": 100}))["data"]:
        threads = ok(client.get(f"/tickets/{ticket['id']}/threads", params={"sortBy": "sendDateTime"}))["data"]
        later = [t for t in threads[1:] if t["direction"] == "in" and t["status"] != "DRAFT"]
        if later:
            return f"/tickets/{ticket['id']}/threads/{later[0]['id']}/split"
    raise AssertionError("the seed has no ticket with a later incoming thread to split off")


def ticket_writes(client: httpx.Client) -> dict[str, Callable[[], httpx.Response]]:
    seeded = ok(client.get("/tickets"))["data"][0]
    body = {"subject": "Schema", "departmentId": seeded["departmentId"], "contactId": seeded["contactId"]}

    def fresh() -> str:
        return make_ticket(client, channel="Email")["id"]

    def merge() -> httpx.Response:
        return client.post(f"/tickets/{fresh()}/merge", json={"ids": [fresh()]})

    def update_draft() -> httpx.Response:
        ticket = make_ticket(client, channel="Email")
        draft = ok(client.post(f"/tickets/{ticket['id']}/draftReply", json=reply_body(client, ticket)))
        return client.patch(f"/tickets/{ticket['id']}/draftReply/{draft['id']}", json={"content": "Edited."})

    def reply(kind: str) -> httpx.Response:
        ticket = make_ticket(client, channel="Email")
        return client.post(f"/tickets/{ticket['id']}/{kind}", json=reply_body(client, ticket))

    return {
        "POST /tickets": lambda: client.post("/tickets", json={**body, "priority": "High"}),
        "PATCH /tickets/{id}": lambda: client.patch(f"/tickets/{fresh()}", json={"priority": "Low"}),
        "POST /tickets/{id}/merge": merge,
        "POST /tickets/{id}/threads/{id}/split": lambda: client.post(splittable(client)),
        "POST /tickets/{id}/sendReply": lambda: reply("sendReply"),
        "POST /tickets/{id}/draftReply": lambda: reply("draftReply"),
        "PATCH /tickets/{id}/draftReply/{id}": update_draft,
        "POST /tickets/{id}/associateTag": lambda: client.post(
            f"/tickets/{fresh()}/associateTag", json={"tags": ["vip", "Billing issue"]}
        ),
    }


def ticket_part_writes(client: httpx.Client) -> dict[str, Callable[[], httpx.Response]]:
    """Comments, time entries and an attachment on a fresh ticket."""
    entry_body = {"hoursSpent": "1", "minutesSpent": "30", "requestChargeType": "Customer Service"}

    def fresh() -> str:
        return make_ticket(client)["id"]

    def comment_body() -> dict[str, Any]:
        """With an attachment, as the seed's examples: a comment without any has no attachments key (a
        contradiction the reads' test covers)."""
        upload = ok(client.post("/uploads", files=FILE))["id"]
        return {"content": "Schema", "isPublic": True, "attachmentIds": [upload]}

    def comment() -> tuple[str, str]:
        ticket = fresh()
        return ticket, ok(client.post(f"/tickets/{ticket}/comments", json=comment_body()))["id"]

    def entry() -> tuple[str, str]:
        ticket = fresh()
        made = ok(client.post(f"/tickets/{ticket}/timeEntry", json=entry_body))
        return ticket, made["id"]

    def update_comment() -> httpx.Response:
        ticket, made = comment()
        return client.patch(f"/tickets/{ticket}/comments/{made}", json={**comment_body(), "content": "Edited."})

    def update_entry() -> httpx.Response:
        ticket, made = entry()
        return client.put(f"/tickets/{ticket}/timeEntry/{made}", json={"description": "Edited."})

    return {
        "POST /tickets/{id}/comments": lambda: client.post(f"/tickets/{fresh()}/comments", json=comment_body()),
        "PATCH /tickets/{id}/comments/{id}": update_comment,
        "POST /tickets/{id}/timeEntry": lambda: client.post(f"/tickets/{fresh()}/timeEntry", json=entry_body),
        "PUT /tickets/{id}/timeEntry/{id}": update_entry,
        "POST /tickets/{id}/attachments": lambda: client.post(f"/tickets/{fresh()}/attachments", files=FILE),
    }


def record_writes(client: httpx.Client) -> dict[str, Callable[[], httpx.Response]]:
    """Contacts, accounts, tasks, webhooks and uploads."""
    department = ok(client.get("/departments"))["data"][0]["id"]
    names = iter(range(1000))

    def made(path: str, body: dict[str, Any]) -> str:
        return ok(client.post(path, json=body))["id"]

    def account() -> dict[str, Any]:
        return {"accountName": f"Schema {next(names)}", "phone": "98348229382"}

    task = {"subject": "Schema", "departmentId": department, "priority": "High", "status": "In Progress"}
    return {
        "POST /contacts": lambda: client.post("/contacts", json={"lastName": "Schema", "firstName": "Ada"}),
        "PATCH /contacts/{id}": lambda: client.patch(
            f"/contacts/{made('/contacts', {'lastName': 'Schema'})}", json={"zip": "123902", "lastName": "John"}
        ),
        "POST /accounts": lambda: client.post("/accounts", json=account()),
        "PATCH /accounts/{id}": lambda: client.patch(f"/accounts/{made('/accounts', account())}", json=account()),
        "POST /tasks": lambda: client.post("/tasks", json=task),
        "PATCH /tasks/{id}": lambda: client.patch(f"/tasks/{made('/tasks', task)}", json={"status": "Completed"}),
        **{
            f"POST /{kind}/{{id}}/attachments": lambda kind=kind: client.post(
                f"/{kind}/{ok(client.get(f'/{kind}'))['data'][0]['id']}/attachments", files=FILE
            )
            for kind in ("contacts", "accounts", "tasks")
        },
        "POST /webhooks": lambda: client.post("/webhooks", json=hook("Ticket_Add")),
        "PATCH /webhooks/{id}": lambda: client.patch(
            f"/webhooks/{made('/webhooks', hook('Contact_Add'))}",
            json={"name": "edited", "subscriptions": {"Contact_Add": None, "Account_Add": None}},
        ),
        "POST /uploads": lambda: client.post("/uploads", files=FILE),
    }


@pytest.fixture(scope="module")
def writes(client: httpx.Client) -> dict[str, Callable[[], httpx.Response]]:
    """One served write per write operation of the fixture, sent when the test calls it."""
    return ticket_writes(client) | ticket_part_writes(client) | record_writes(client)


def test_every_write_of_the_fixture_is_sent(writes: dict[str, Callable[[], httpx.Response]]):
    assert set(WRITES) == set(writes)


@pytest.mark.parametrize("operation", WRITES)
def test_written_answers_validate(writes: dict[str, Callable[[], httpx.Response]], operation: str):
    assert problems(operation, ok(writes[operation]())) == []
