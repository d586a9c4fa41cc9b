"""Every served answer of the reads (GET operations) in tests/fixtures/vendor_schemas.json validates against the
vendor's response schema for that operation (extracted by tests/fixtures/extract_vendor_schemas.py), except where
the seed or the vendor's documentation contradicts the schema: tests/fixtures/vendor_contradictions.json lists
those, and they are checked here as the contradiction says. The writes' answers: test_vendor_schemas_writes.py."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import advance
from tests.integration.sandbox.ticket_support import make_ticket
from tests.integration.sandbox.vendor_schema_support import CONTRADICTIONS, SCHEMAS, problems
from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 20  # seeded per org in this module's sandbox (conftest.py)
ATTACHED = ("tickets", "contacts", "accounts", "tasks")  # kinds whose attachments are listed
TICKET_EMBEDS = "products,departments,assignee"  # what every ticket list embeds (with contacts, but a contact's)
ACTIVITY_EMBEDS = "contacts,tickets,assignee"  # what task, call, event and activity lists embed
READS = sorted(operation for operation in SCHEMAS if operation.startswith("GET "))  # the writes: *_writes.py


def first_id(client: httpx.Client, path: str, **params: Any) -> str:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"][0]["id"]


def written(client: httpx.Client) -> dict[str, str]:
    """The records the reads need, written once: an e-mail ticket, tagged, and an attachment on it and on a
    contact, an account and a task; a disabled webhook (nothing is delivered) with every filter key the schema
    requires."""
    ticket = make_ticket(client, channel="Email", subject="Schema")
    made = {"ticket": ticket["id"], "department": ticket["departmentId"]}
    tags = client.post(f"/tickets/{ticket['id']}/associateTag", json={"tags": ["vip", "Billing issue"]})
    assert tags.status_code == 200, tags.text
    for kind in ("tickets", "contacts", "accounts", "tasks"):
        made[kind] = ticket["id"] if kind == "tickets" else first_id(client, f"/{kind}")
        added = client.post(f"/{kind}/{made[kind]}/attachments", files={"file": ("notes.txt", b"schema")})
        assert added.status_code == 200, added.text
    made["thread"] = client.get(f"/tickets/{ticket['id']}/latestThread").json()["id"]
    comment = client.post(f"/tickets/{ticket['id']}/comments", json={"content": "Schema", "isPublic": True})
    assert comment.status_code == 200, comment.text
    made["comment"] = comment.json()["id"]
    entry = client.post(
        f"/tickets/{ticket['id']}/timeEntry", json={"hoursSpent": "1", "requestChargeType": "Customer Service"}
    )
    assert entry.status_code == 200, entry.text
    made["entry"] = entry.json()["id"]
    task = {"subject": "Schema", "departmentId": made["department"], "ticketId": ticket["id"]}
    assert client.post("/tasks", json=task).status_code == 200
    departments = {"departmentId": [made["department"]], "departmentIds": [made["department"]]}
    subscriptions = {
        "Ticket_Update": {**departments, "fields": ["status"], "includePrevState": True},
        "Ticket_Thread_Add": {**departments, "direction": "in"},
        "Contact_Delete": None,
    }
    hook = {"url": "http://127.0.0.1:9/hook", "name": "schema", "isEnabled": False, "subscriptions": subscriptions}
    webhook = client.post("/webhooks", json=hook)
    assert webhook.status_code == 200, webhook.text
    made["webhook"] = webhook.json()["id"]
    return made


def seeded_paths(client: httpx.Client) -> dict[str, str]:
    """The requests of the operations that read seeded records only."""
    agents = client.get("/agents", params={"limit": 5}).json()["data"]
    contract = client.get("/contracts").json()["data"][0]
    ticket = max(client.get("/tickets", params={"limit": 50}).json()["data"], key=lambda t: int(t["threadCount"]))
    team = client.get("/teams").json()["teams"][0]["id"]
    user = first_id(client, "/users")
    return {
        "GET /tickets/{id}": f"/tickets/{ticket['id']}",
        "GET /tickets/{id}/threads": f"/tickets/{ticket['id']}/threads",
        "GET /contacts/{id}": f"/contacts/{first_id(client, '/contacts')}",
        "GET /accounts/{id}": f"/accounts/{first_id(client, '/accounts')}",
        "GET /agents/{id}": f"/agents/{agents[0]['id']}",
        "GET /departments/{id}": f"/departments/{first_id(client, '/departments')}",
        "GET /tasks/{id}": f"/tasks/{first_id(client, '/tasks')}",
        "GET /organizations/{id}": f"/organizations/{client.headers['orgId']}",
        "GET /roles": "/roles",
        "GET /roles/{id}": f"/roles/{first_id(client, '/roles')}",
        "GET /channels": "/channels",
        "GET /channels/{code}": "/channels/EMAIL",
        "GET /dashboards/createdTickets": "/dashboards/createdTickets?duration=LAST_30_DAYS&groupBy=agent",
        "GET /dashboards/onholdTickets": "/dashboards/onholdTickets?duration=LAST_7_DAYS&groupBy=date",
        "GET /accessibleOrganizations": "/accessibleOrganizations",
        "GET /agentsByIds": "/agentsByIds?agentIds=" + ",".join(agent["id"] for agent in agents),
        "GET /accounts/{id}/contracts": f"/accounts/{contract['accountId']}/contracts",
        "GET /contracts/{id}": f"/contracts/{contract['id']}",
        "GET /tickets/{id}/History": f"/tickets/{first_id(client, '/tickets')}/History",
        "GET /articles": "/articles",
        "GET /articles/{id}": f"/articles/{first_id(client, '/articles')}",
        "GET /products": "/products",
        "GET /products/{id}": f"/products/{first_id(client, '/products')}",
        "GET /teams": "/teams",
        "GET /teams/{id}/members": f"/teams/{team}/members?include=profile,role",
        "GET /users": "/users",
        "GET /users/{id}": f"/users/{user}",
        "GET /users/{id}/groups": f"/users/{user}/groups",
        "GET /organizationModules": "/organizationModules",
        "GET /departments": "/departments",
        "GET /agents": "/agents",
        "GET /mailReplyAddress": "/mailReplyAddress",
        "GET /calls/{id}": f"/calls/{first_id(client, '/calls')}",
        "GET /calls": "/calls",
        "GET /calls/{id}/comments": f"/calls/{first_id(client, '/calls')}/comments",
        "GET /events/{id}": f"/events/{first_id(client, '/events')}",
        "GET /events": "/events",
        "GET /tasks": "/tasks",
        **list_paths(client),
        **setting_paths(client),
        **thread_paths(client, ticket["id"]),
    }


def thread_paths(client: httpx.Client, ticket: str) -> dict[str, str]:
    """One thread and the latest of a ticket with several."""
    thread = first_id(client, f"/tickets/{ticket}/threads")
    return {
        "GET /tickets/{id}/threads/{id}": f"/tickets/{ticket}/threads/{thread}",
        "GET /tickets/{id}/latestThread": f"/tickets/{ticket}/latestThread",
    }


def setting_paths(client: httpx.Client) -> dict[str, str]:
    """The requests of the set-up reads: fields, layouts, profiles."""
    return {
        "GET /organizationFields": "/organizationFields?module=tickets",
        "GET /organizationFields?module=contacts": "/organizationFields?module=contacts",
        "GET /layouts": "/layouts?module=tickets",
        "GET /layouts?module=contacts": "/layouts?module=contacts",
        "GET /profiles": "/profiles",
        "GET /profiles/{id}": f"/profiles/{first_id(client, '/profiles')}",
    }


def list_paths(client: httpx.Client) -> dict[str, str]:
    """The requests of the seed's lists and searches."""
    contact, account = first_id(client, "/contacts"), first_id(client, "/accounts")
    return {
        "GET /tickets": "/tickets?limit=50",
        "GET /contacts": "/contacts",
        "GET /accounts": "/accounts",
        "GET /contracts": "/contracts",
        "GET /contacts/{id}/tickets": f"/contacts/{contact}/tickets",
        "GET /accounts/{id}/tickets": f"/accounts/{account}/tickets",
        "GET /tickets/search": "/tickets/search?status=Open",
        "GET /contacts/search": "/contacts/search?_all=*",
        "GET /accounts/search": "/accounts/search?accountName=*",
        "GET /tasks/search": "/tasks/search?subject=*",
    }


def activity_paths(client: httpx.Client, department: str) -> dict[str, str]:
    """A ticket with a call, given a task (the seed puts an event on it too), so its activities list each kind."""
    ticket = client.get("/calls").json()["data"][0]["ticketId"]
    task = {"subject": "Schema", "departmentId": department, "ticketId": ticket}
    assert client.post("/tasks", json=task).status_code == 200
    kinds = {item["activityType"] for item in client.get(f"/tickets/{ticket}/activities").json()["data"]}
    assert kinds == {"Tasks", "Calls", "Events"}
    return {
        "GET /tickets/{id}/activities": f"/tickets/{ticket}/activities",
        "GET /tickets/{id}/activities?include": f"/tickets/{ticket}/activities?include={ACTIVITY_EMBEDS}",
    }


def include_paths(client: httpx.Client, ticket: str) -> dict[str, str]:
    """The lists again, with every embed their `include` offers."""
    contact, account = first_id(client, "/contacts"), first_id(client, "/accounts")
    return {
        "GET /tickets?include": f"/tickets?limit=50&include=contacts,{TICKET_EMBEDS}",
        "GET /tickets/{id}?include": f"/tickets/{ticket}?include=contacts,{TICKET_EMBEDS}",
        "GET /contacts?include": "/contacts?include=accounts",
        "GET /tasks?include": f"/tasks?include={ACTIVITY_EMBEDS}",
        "GET /tickets/{id}/tasks?include": f"/tickets/{ticket}/tasks?include={ACTIVITY_EMBEDS}",
        "GET /calls?include": f"/calls?include={ACTIVITY_EMBEDS}",
        "GET /events?include": f"/events?include={ACTIVITY_EMBEDS}",
        "GET /contracts?include": "/contracts?include=accounts,products,owner,departments",
        "GET /contacts/{id}/tickets?include": f"/contacts/{contact}/tickets?include={TICKET_EMBEDS}",
        "GET /accounts/{id}/tickets?include": f"/accounts/{account}/tickets?include=contacts,{TICKET_EMBEDS}",
        "GET /agents?include": "/agents?include=profile,role",
        "GET /products?include": "/products?include=owner",
        "GET /tickets/{id}/timeEntry?include": f"/tickets/{ticket}/timeEntry?include=owner",
    }


@pytest.fixture(scope="module")
def paths(client: httpx.Client) -> Iterator[dict[str, str]]:
    """One served request per operation of the fixture."""
    made = written(client)
    department, ticket = made["department"], made["ticket"]
    yield seeded_paths(client) | {
        "GET /onlineAgents": f"/onlineAgents?departmentId={department}",
        "GET /offlineAgents": f"/offlineAgents?departmentId={department}",
        "GET /agentAvailability": f"/agentAvailability?departmentId={department}",
        "GET /tickets/{id}/tags": f"/tickets/{ticket}/tags",
        "GET /ticketTags": f"/ticketTags?departmentId={department}",
        "GET /tags/search": f"/tags/search?departmentId={department}&searchVal=vip",
        "GET /departments/{id}/teams": f"/departments/{department}/teams",
        "GET /webhooks": "/webhooks",
        "GET /webhooks/{id}": f"/webhooks/{made['webhook']}",
        "GET /tickets/{id}/threads/{id}/originalContent": f"/tickets/{ticket}/threads/{made['thread']}/originalContent",
        "GET /tickets/{id}/comments": f"/tickets/{ticket}/comments",
        "GET /tickets/{id}/timeEntry": f"/tickets/{ticket}/timeEntry",
        "GET /tickets/{id}/tasks": f"/tickets/{ticket}/tasks",
        "GET /tickets/{id}/timeEntry/{id}": f"/tickets/{ticket}/timeEntry/{made['entry']}",
        "GET /tickets/{id}/comments/{id}": f"/tickets/{ticket}/comments/{made['comment']}",
        **{f"GET /{kind}/{{id}}/attachments": f"/{kind}/{made[kind]}/attachments" for kind in ATTACHED},
        **include_paths(client, ticket),
        **activity_paths(client, department),
    }
    assert client.delete(f"/webhooks/{made['webhook']}").status_code == 200


def test_every_operation_of_the_fixture_is_requested(paths: dict[str, str]):
    assert set(READS) == set(paths)
    assert {item["operation"] for item in CONTRADICTIONS} >= {"GET /tickets/{id}/History"}


@pytest.mark.parametrize("operation", READS)
def test_served_answers_validate(client: httpx.Client, paths: dict[str, str], operation: str):
    answer = client.get(paths[operation])
    assert answer.status_code == 200, answer.text
    assert problems(operation, answer.json()) == []


def test_history_with_updates_validates_but_for_the_listed_value_transitions(desk: SandboxProcess, client):
    ticket = make_ticket(client, priority="Low")
    advance(desk, 2)
    client.patch(f"/tickets/{ticket['id']}", json={"priority": "High", "customFields": {"ModelName": "F3 2017"}})
    body = client.get(f"/tickets/{ticket['id']}/History").json()
    flattened = copy.deepcopy(body)
    transitions = 0
    for event in flattened["data"]:
        for item in event["eventInfo"]:
            if item["propertyType"] == "ValueTransition":  # the contradiction: an object, typed as a string
                assert set(item["propertyValue"]) == {"previousValue", "updatedValue"}
                item["propertyValue"] = json.dumps(item["propertyValue"])[:100]
                transitions += 1
    assert transitions == 2
    assert problems("GET /tickets/{id}/History", flattened) == []
