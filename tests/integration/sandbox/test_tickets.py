"""GET /tickets/{id}, GET /tickets, POST /tickets, PATCH /tickets/{id} over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.integration.sandbox.desk_support import seeded_tickets, ticket
from tests.integration.sandbox.helpers import advance, last_write
from tests.integration.sandbox.ticket_support import (
    ACCOUNT_KEYS,
    CONTACT_KEYS,
    LIST_KEYS,
    TICKET_KEYS,
    make_ticket,
    member_and_outsider,
)
from tests.integration.sandbox.vendor_keys import (
    TICKET_LIST_VENDOR_KEYS,
    TICKET_READ_ONLY_KEYS,
    TICKET_VENDOR_KEYS,
    TICKET_WRITE_VENDOR_KEYS,
    less,
)

# The seed's create example body (ids swapped for seeded ones by `example_body`).
CREATE_EXAMPLE = {
    "subCategory": "Sub General",
    "productId": "",
    "subject": "Real Time analysis Requirement",
    "customFields": {
        "secondaryEmail": None,
        "ModelName": "F3 2017",
        "severityPercentage": "0.0",
        "phone": None,
        "numberOfItems": None,
        "dateofPurchase": None,
        "permanentAddress": None,
        "url": None,
    },
    "dueDate": "2016-06-21T16:16:16.000Z",
    "channel": "Email",
    "description": "Hai This is Description",
    "priority": "High",
    "classification": "",
    "phone": "1 888 900 9646",
    "category": "general",
    "email": "carol@zylker.com",
    "status": "Open",
}


@pytest.fixture(scope="module")
def seeded(client: httpx.Client) -> list[dict]:
    return seeded_tickets(client)


def example_body(seeded: list[dict], **changes: str) -> dict:
    assigned = next(t for t in seeded if t["assigneeId"] and t["status"] != "Closed")
    return {
        **CREATE_EXAMPLE,
        "contactId": seeded[0]["contactId"],
        "departmentId": assigned["departmentId"],
        "assigneeId": assigned["assigneeId"],
        **changes,
    }


# GET /tickets/{id} ------------------------------------------------------------------------------------
def test_get_replays_the_example_with_contact_and_product(client, seeded):
    # given a seeded ticket  # when read as the seed's curl example does
    answer = client.get(f"/tickets/{seeded[0]['id']}", params={"include": "contacts,products"})
    # then the example's fields, the contact embedded with its account, no product
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == TICKET_KEYS | TICKET_VENDOR_KEYS | {"contact", "product"}
    assert set(body["contact"]) == CONTACT_KEYS | {"isSpam"}  # the vendor's one ticket's contact has isSpam
    assert body["contact"]["id"] == body["contactId"]
    assert body["contact"]["account"] is None or set(body["contact"]["account"]) == ACCOUNT_KEYS
    assert body["product"] is None
    assert body["threadCount"].isdigit() and body["createdTime"].endswith("Z")


def test_get_embeds_assignee_and_department(client, seeded):
    # given an assigned ticket
    assigned = next(t for t in seeded if t["assigneeId"])
    # when
    body = ticket(client, assigned["id"], include="assignee,departments")
    # then
    assert set(body["assignee"]) == {"id", "firstName", "lastName", "photoURL", "email"}  # the vendor's: no zuid
    assert body["assignee"]["id"] == assigned["assigneeId"]
    assert set(body["department"]) == {"id", "name"} and body["department"]["id"] == assigned["departmentId"]


def test_get_unknown_ticket_and_bad_include(client, seeded):
    assert client.get("/tickets/1").json()["errorCode"] == "URL_NOT_FOUND"
    assert client.get("/tickets/1").status_code == 404
    answer = client.get(f"/tickets/{seeded[0]['id']}", params={"include": "owner"})
    assert answer.status_code == 422 and answer.json()["errorCode"] == "UNPROCESSABLE_ENTITY"


# GET /tickets ------------------------------------------------------------------------------------------
def test_list_replays_the_example(client):
    # when listed as the seed's curl example does
    answer = client.get("/tickets", params={"include": "contacts"})
    # then the list example's smaller field set, with contacts
    assert answer.status_code == 200
    items = answer.json()["data"]
    assert len(items) == 10  # the default page
    assert all(set(item) == LIST_KEYS | TICKET_LIST_VENDOR_KEYS | {"contact"} for item in items)
    assert all(set(item["contact"]) == CONTACT_KEYS for item in items)


def test_list_pages_oldest_first(client, seeded):
    # given every seeded ticket in one page  # when paged by 5 from index 5
    second = client.get("/tickets", params={"from": 5, "limit": 5}).json()["data"]
    # then
    assert [t["id"] for t in second] == [t["id"] for t in seeded[5:10]]
    assert [t["createdTime"] for t in seeded] == sorted(t["createdTime"] for t in seeded)
    bad = client.get("/tickets", params={"limit": 101})
    assert bad.status_code == 422 and "1-100" in bad.json()["message"]


def test_list_filters(client, seeded):
    department = seeded[0]["departmentId"]
    by_department = client.get("/tickets", params={"departmentId": department, "limit": 100}).json()["data"]
    assert {t["departmentId"] for t in by_department} == {department}
    assert len(by_department) == sum(1 for t in seeded if t["departmentId"] == department)
    statuses = client.get("/tickets", params={"status": "Open,On Hold", "limit": 100}).json()["data"]
    assert statuses and {t["status"] for t in statuses} <= {"Open", "On Hold"}
    channel = seeded[0]["channel"]
    by_channel = client.get("/tickets", params={"channel": channel, "limit": 100}).json()["data"]
    assert {t["channel"] for t in by_channel} == {channel}


def test_list_filters_by_assignee(client, seeded):
    unassigned = client.get("/tickets", params={"assignee": "Unassigned", "limit": 100})
    assert unassigned.status_code in (200, 204)
    expected = [t["id"] for t in seeded if t["assigneeId"] is None]
    assert [t["id"] for t in (unassigned.json()["data"] if expected else [])] == expected
    agents = list(dict.fromkeys(t["assigneeId"] for t in seeded if t["assigneeId"]))[:2]
    mine = client.get("/tickets", params={"assignee": ",".join(agents), "limit": 100}).json()["data"]
    assert {t["assigneeId"] for t in mine} == set(agents)
    assert client.get("/tickets", params={"assignee": "nobody"}).status_code == 422


def test_list_received_in_days(client, seeded):
    # given tickets whose customers wrote over the last six weeks
    answer = client.get("/tickets", params={"receivedInDays": 15, "limit": 100})
    # then only the last 15 days' come back
    since = datetime.now(timezone.utc) - timedelta(days=15, minutes=5)
    recent = answer.json()["data"] if answer.status_code == 200 else []
    assert all(datetime.fromisoformat(t["customerResponseTime"].replace("Z", "+00:00")) >= since for t in recent)
    assert len(recent) < len(seeded)
    assert client.get("/tickets", params={"receivedInDays": 7}).status_code == 422


def test_list_sorts(client, seeded):
    dues = [t["dueDate"] for t in client.get("/tickets", params={"sortBy": "-dueDate", "limit": 100}).json()["data"]]
    assert dues == sorted(dues, reverse=True)
    created = client.get("/tickets", params={"sortBy": "-createdTime", "limit": 100}).json()["data"]
    assert [t["id"] for t in created] == [t["id"] for t in reversed(seeded)]
    assert client.get("/tickets", params={"sortBy": "subject"}).status_code == 422


def test_list_sorts_by_recent_thread(desk, client, seeded):
    # given an old ticket that just had a new thread
    old = seeded[0]
    fresh = make_ticket(client)
    advance(desk, 2)
    reply = {"channel": "FACEBOOK", "content": "bump"}
    assert client.post(f"/tickets/{old['id']}/sendReply", json=reply).status_code == 200
    # when sorted by the most recent thread, newest first
    top = client.get("/tickets", params={"sortBy": "-recentThread", "limit": 2}).json()["data"]
    # then
    assert [t["id"] for t in top] == [old["id"], fresh["id"]]


def test_empty_list_is_204_and_unknown_parameter_422(client):
    answer = client.get("/tickets", params={"departmentId": "1"})
    assert answer.status_code == 204 and answer.content == b""
    extra = client.get("/tickets", params={"colour": "red"})
    assert extra.status_code == 422
    assert extra.json()["message"] == "Extra query parameter 'colour' is present in the input."


# POST /tickets ----------------------------------------------------------------------------------------
def test_create_replays_the_example(desk, client, seeded):
    # given the seed's create body with seeded ids  # when
    answer = client.post("/tickets", json=example_body(seeded))
    # then the example's fields, a new number, the description as the first thread
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == TICKET_KEYS | TICKET_WRITE_VENDOR_KEYS
    assert int(body["ticketNumber"]) > max(int(t["ticketNumber"]) for t in seeded)
    assert (body["productId"], body["classification"], body["threadCount"]) == (None, None, "1")
    assert body["customFields"]["ModelName"] == "F3 2017" and body["dueDate"] == "2016-06-21T16:16:16.000Z"
    assert (body["status"], body["statusType"], body["closedTime"]) == ("Open", "Open", None)
    assert body["createdTime"] == body["modifiedTime"]
    assert less(ticket(client, body["id"]), TICKET_READ_ONLY_KEYS) == body
    thread = client.get(f"/tickets/{body['id']}/threads").json()["data"][0]
    assert (thread["direction"], thread["channel"], thread["summary"]) == ("in", "EMAIL", "Hai This is Description")
    write = last_write(desk)
    assert (write["method"], write["path"], write["status"]) == ("POST", "/api/v1/tickets", 200)


def test_create_defaults_email_and_phone_from_the_contact(client, seeded):
    body = make_ticket(client, description=None)
    contact = ticket(client, body["id"], include="contacts")["contact"]
    assert (body["email"], body["phone"], body["threadCount"]) == (contact["email"], contact["phone"], "0")


def test_create_names_every_missing_field(client):
    answer = client.post("/tickets", json={"description": "no subject", "colour": "red"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["errorCode"] == "INVALID_DATA"
    assert {(e["fieldName"], e["errorType"]) for e in body["errors"]} == {
        ("/subject", "missing"),
        ("/departmentId", "missing"),
        ("/contactId", "missing"),
        ("/colour", "invalid"),
    }


@pytest.mark.parametrize(
    "field, value",
    [
        ("departmentId", "1"),
        ("contactId", "1"),
        ("status", "Done"),
        ("dueDate", "tomorrow"),
        ("productId", "5"),
        ("customFields", {"shoeSize": "9"}),
        ("email", "not-an-address"),
        ("subject", 42),
    ],
)
def test_create_refuses_an_invalid_field(client, seeded, field, value):
    answer = client.post("/tickets", json={**example_body(seeded), field: value})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"fieldName": f"/{field}", "errorType": "invalid"}]


def test_create_with_a_contact_object_finds_or_creates_the_contact(client, seeded):
    department = seeded[0]["departmentId"]
    body = {
        "subject": "New customer",
        "departmentId": department,
        "contact": {"lastName": "Newman", "email": "newman@example.org"},
    }
    first = client.post("/tickets", json=body).json()
    again = client.post("/tickets", json=body).json()
    assert first["contactId"] not in {t["contactId"] for t in seeded}
    assert again["contactId"] == first["contactId"] and first["email"] == "newman@example.org"
    missing = client.post("/tickets", json={**body, "contact": {"lastName": "Nomail"}})
    assert missing.json()["errors"] == [{"fieldName": "/contact/email", "errorType": "missing"}]


def test_create_refuses_an_assignee_outside_the_department(client):
    agent, _member, outsider = member_and_outsider(client)
    answer = client.post(
        "/tickets",
        json={
            "subject": "x",
            "departmentId": outsider,
            "contactId": make_ticket(client)["contactId"],
            "assigneeId": agent,
        },
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["fieldName"] == "/assigneeId"


# PATCH /tickets/{id} ----------------------------------------------------------------------------------
def test_update_replays_the_example(desk, client, seeded):
    # given a fresh ticket, a second later
    created = make_ticket(client)
    advance(desk, 2)
    # when patched with the seed's update body
    example = {**example_body(seeded), "channel": "Phone", "description": "Sample Ticket", "priority": "Low"}
    answer = client.patch(f"/tickets/{created['id']}", json=example)
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == TICKET_KEYS | TICKET_WRITE_VENDOR_KEYS
    assert (body["channel"], body["description"], body["priority"]) == ("Phone", "Sample Ticket", "Low")
    assert body["modifiedTime"] > created["modifiedTime"] and body["createdTime"] == created["createdTime"]
    assert body["ticketNumber"] == created["ticketNumber"]
    assert less(ticket(client, created["id"]), TICKET_READ_ONLY_KEYS) == body
    write = last_write(desk)
    assert (write["method"], write["path"], write["body"]) == ("PATCH", f"/api/v1/tickets/{created['id']}", example)


def test_update_status_drives_status_type_and_closed_time(desk, client):
    created = make_ticket(client)
    closed = client.patch(f"/tickets/{created['id']}", json={"status": "Closed"}).json()
    assert (closed["statusType"], closed["closedTime"] is not None) == ("Closed", True)
    held = client.patch(f"/tickets/{created['id']}", json={"status": "On Hold"}).json()
    assert (held["statusType"], held["closedTime"]) == ("On Hold", None)
    escalated = client.patch(f"/tickets/{created['id']}", json={"status": "Escalated"}).json()
    assert escalated["statusType"] == "Open"


def test_update_changes_only_the_given_fields_and_merges_custom_fields(desk, client):
    created = make_ticket(client, customFields={"ModelName": "F3 2017"}, priority="High")
    body = client.patch(f"/tickets/{created['id']}", json={"customFields": {"url": "https://x.example"}}).json()
    assert body["customFields"]["ModelName"] == "F3 2017" and body["customFields"]["url"] == "https://x.example"
    assert body["priority"] == "High" and body["subject"] == created["subject"]


def test_update_ignores_read_only_fields_refuses_unknown_ones_and_no_change_keeps_modified_time(desk, client):
    created = make_ticket(client)
    advance(desk, 2)
    same = client.patch(f"/tickets/{created['id']}", json={**created, "threadCount": "99"})
    assert same.status_code == 200 and same.json() == created
    unknown = client.patch(f"/tickets/{created['id']}", json={"colour": "red", "status": "Nope"})
    assert unknown.status_code == 422
    assert {e["fieldName"] for e in unknown.json()["errors"]} == {"/colour", "/status"}
    assert client.patch("/tickets/1", json={"subject": "x"}).status_code == 404


def test_update_department_unassigns_an_outsider(client):
    agent, member, outsider = member_and_outsider(client)
    created = make_ticket(client, departmentId=member, assigneeId=agent)
    moved = client.patch(f"/tickets/{created['id']}", json={"departmentId": outsider}).json()
    assert (moved["departmentId"], moved["assigneeId"]) == (outsider, None)
    refused = client.patch(f"/tickets/{created['id']}", json={"assigneeId": agent})
    assert refused.status_code == 422
