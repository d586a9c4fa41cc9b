"""Searches over real HTTP: the seed's examples replayed, exact/wildcard/any-of filters, ranges, sorting, the
5000-result window, the search index's lag, and scopes (search.READ and the module's READ, both)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import advance, api, scoped_token
from tests.integration.sandbox.people_support import CONTACT_KEYS
from tests.integration.sandbox.vendor_keys import (
    ACCOUNT_SEARCH_VENDOR_KEYS,
    CONTACT_SEARCH_VENDOR_KEYS,
    TASK_SEARCH_VENDOR_KEYS,
    TICKET_SEARCH_VENDOR_KEYS,
)

TICKETS_PER_ORG = 40  # seeded per org in this module's sandbox (conftest.py)

TICKET_KEYS = {
    "ticketNumber",
    "modifiedTime",
    "subCategory",
    "subject",
    "customFields",
    "dueDate",
    "departmentId",
    "channel",
    "description",
    "resolution",
    "closedTime",
    "isOverDue",
    "responseDueDate",
    "contact",
    "createdTime",
    "modifiedBy",
    "id",
    "department",
    "email",
    "customerResponseTime",
    "productId",
    "contactId",
    "threadCount",
    "lastThread",
    "priority",
    "classification",
    "assigneeId",
    "commentCount",
    "accountId",
    "phone",
    "assignee",
    "category",
    "status",
}
ASSIGNEE_KEYS = {"firstName", "lastName", "photoURL", "emailId", "id", "zuid"}
ACCOUNT_KEYS = {
    "country",
    "modifiedTime",
    "website",
    "code",
    "accountName",
    "city",
    "customFields",
    "description",
    "industry",
    "ownerId",
    "phone",
    "street",
    "annualrevenue",
    "createdTime",
    "state",
    "id",
    "fax",
    "email",
}
CONTACT_SEARCH_KEYS = CONTACT_KEYS - {"zohoCRMContact", "customerHappiness", "isDeleted"} | {"account"}
TASK_KEYS = {
    "modifiedTime",
    "ticket",
    "customFields",
    "subject",
    "completedTime",
    "departmentId",
    "dueDate",
    "creatorId",
    "description",
    "ownerId",
    "priority",
    "isCommented",
    "createdTime",
    "assignee",
    "id",
    "department",
    "category",
    "ticketId",
    "status",
}
GLOBAL_KEYS = {  # /search: one example item per module
    "tickets": {
        "customerResponseTime",
        "productId",
        "contactId",
        "subject",
        "customFields",
        "module",
        "departmentId",
        "dueDate",
        "channel",
        "threadCount",
        "priority",
        "assigneeId",
        "closedTime",
        "commentCount",
        "number",
        "phone",
        "contact",
        "createdTime",
        "assignee",
        "id",
        "department",
        "email",
        "status",
    },
    "tasks": {
        "ticket",
        "subject",
        "completedTime",
        "customFields",
        "module",
        "dueDate",
        "description",
        "ownerId",
        "priority",
        "isCommented",
        "createdBy",
        "contact",
        "createdTime",
        "id",
        "assignee",
        "category",
        "department",
        "ticketId",
        "status",
    },
    "accounts": {"website", "phone", "accountName", "customFields", "module", "id", "email"},
    "contacts": {
        "lastName",
        "accountId",
        "firstName",
        "photoURL",
        "phone",
        "customFields",
        "module",
        "fullName",
        "id",
        "ownerId",
        "email",
        "account",
    },
}


@pytest.fixture(scope="module")
def tickets(client: httpx.Client) -> list[dict[str, Any]]:
    return client.get("/tickets", params={"limit": 100}).json()["data"]


@pytest.fixture(scope="module")
def analysis(client: httpx.Client, tickets: list[dict[str, Any]]) -> dict[str, Any]:
    """The seed example's ticket: "Real Time analysis Requirement", High, with a model name."""
    body = {
        "subject": "Real Time analysis Requirement",
        "departmentId": tickets[0]["departmentId"],
        "priority": "High",
        "contactId": tickets[0]["contactId"],
        "customFields": {"ModelName": "F3 Turbo"},
    }
    answer = client.post("/tickets", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def search(client: httpx.Client, path: str = "/tickets/search", **params: Any) -> tuple[list[str], int]:
    """(ids found, count of all matches)."""
    answer = client.get(path, params=params)
    if answer.status_code == 204:
        return [], 0
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["data"]], int(answer.json()["count"])


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_ticket_search_replays_the_seed_example(client, analysis):
    # when the seed's curl example is replayed
    answer = client.get("/tickets/search", params={"limit": 1, "subject": "analysis*"})
    # then the ticket whose subject has a word starting "analysis", with the example's fields and a count
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == "1" and [item["id"] for item in body["data"]] == [analysis["id"]]
    [item] = body["data"]
    assert set(item) == TICKET_KEYS | TICKET_SEARCH_VENDOR_KEYS
    assert set(item["department"]) == {"name", "id"}
    assert set(item["contact"]) == {"firstName", "lastName", "accountId", "id", "email", "account"} | {
        *("mobile", "phone", "type")  # the vendor's search item's
    }
    assert item["assignee"] is None or set(item["assignee"]) == ASSIGNEE_KEYS


def test_ticket_filters_exact_wildcard_any_of_and_custom_fields(client, tickets, analysis):
    open_or_closed = [t["id"] for t in tickets if t["status"] in ("Open", "Closed")]
    found, count = search(client, status="open,Closed", limit=100)
    assert count == len(open_or_closed) + 1 and set(found) == set(open_or_closed) | {analysis["id"]}
    assert search(client, subject="analysis") == ([], 0)  # no `*`: the whole subject must match
    assert search(client, subject="real time analysis requirement")[0] == [analysis["id"]]
    assert search(client, subject="*time anal*")[0] == [analysis["id"]]
    assert search(client, status="Op*") == ([], 0)  # status is an exact-match field
    assert search(client, customField1="ModelName:F3 T*")[0] == [analysis["id"]]
    assert search(client, customField1="Colour:red") == ([], 0)
    assert search(client, ticketNumber=analysis["ticketNumber"])[0] == [analysis["id"]]
    unassigned = {t["id"] for t in tickets if not t["assigneeId"]} | {analysis["id"]}
    assert set(search(client, assigneeId="${empty}", limit=100)[0]) == unassigned


def test_ticket_filters_through_contact_and_account(client, tickets, analysis):
    contact = client.get(f"/contacts/{analysis['contactId']}").json()
    theirs = {t["id"] for t in tickets if t["contactId"] == contact["id"]} | {analysis["id"]}
    assert set(search(client, contactName=f"{contact['firstName']} {contact['lastName']}", limit=100)[0]) == theirs
    assert set(search(client, contactId=contact["id"], limit=100)[0]) == theirs
    if contact["accountId"]:
        account = client.get(f"/accounts/{contact['accountId']}").json()
        by_name = set(search(client, accountName=account["accountName"][:3] + "*", limit=100)[0])
        assert theirs <= by_name and set(search(client, accountId=account["id"], limit=100)[0]) >= theirs


def test_ticket_paging_sorting_and_ranges(client, tickets):
    newest_first, count = search(client, sortBy="-modifiedTime", limit=100)
    oldest_first = client.get("/tickets/search", params={"sortBy": "modifiedTime", "limit": 100}).json()["data"]
    times = [item["modifiedTime"] for item in oldest_first]
    assert times == sorted(times) and count == len(newest_first) == len(oldest_first)
    assert search(client, sortBy="modifiedTime", **{"from": 5, "limit": 3})[0] == [
        item["id"] for item in oldest_first[5:8]
    ]
    middle = times[len(times) // 2]
    later = [item["id"] for item in oldest_first if item["modifiedTime"] >= middle]
    found, total = search(
        client, modifiedTimeRange=f"{middle},2999-01-01T00:00:00.000Z", sortBy="modifiedTime", limit=100
    )
    assert found == later and total == len(later)
    created = sorted(t["createdTime"] for t in tickets)
    assert search(client, createdTimeRange=f"{created[0]},{created[0]}")[1] >= 1
    assert client.get("/tickets/search", params={"modifiedTimeRange": "yesterday,today"}).status_code == 422
    assert client.get("/tickets/search", params={"sortBy": "subject"}).status_code == 422


def test_the_search_window_is_5000_results(client):
    for params in ({"from": 4999, "limit": 2}, {"from": 4901, "limit": 100}):
        answer = client.get("/tickets/search", params=params)
        assert answer.status_code == 422 and answer.json()["errorCode"] == "UNPROCESSABLE_ENTITY"
    assert client.get("/tickets/search", params={"from": 5000, "limit": 1}).status_code == 422
    assert client.get("/tickets/search", params={"from": 4999, "limit": 1}).status_code == 204
    assert client.get("/tickets/search", params={"from": 4900, "limit": 100}).status_code == 204
    assert client.get("/tickets/search", params={"limit": 101}).status_code == 422
    assert client.get("/tickets/search", params={"colour": "red"}).status_code == 422


def test_the_index_lags_writes(desk, client, analysis):
    # given a search index lagging 2 s and a cursor taken before the change
    desk.control.post("/_sandbox/config", json={"searchLagS": 2})
    try:
        advance(desk, 1)
        cursor = client.get(f"/tickets/{analysis['id']}").json()["modifiedTime"]
        advance(desk, 1)
        # when the ticket changes
        changed = client.patch(f"/tickets/{analysis['id']}", json={"priority": "Low"}).json()
        since = datetime.fromisoformat(cursor.replace("Z", "+00:00")) + timedelta(milliseconds=1)
        window = {"modifiedTimeRange": f"{iso(since)},2999-01-01T00:00:00.000Z"}
        # then search does not see it until the lag has passed
        before = search(client, **window)[0]
        stale = client.get("/tickets/search", params={"id": analysis["id"]}).json()["data"][0]
        advance(desk, 3)
        after = client.get("/tickets/search", params=window).json()["data"]
    finally:
        desk.control.post("/_sandbox/config", json={"searchLagS": 0})
    assert analysis["id"] not in before and stale["priority"] == "High"
    [item] = [item for item in after if item["id"] == analysis["id"]]
    assert item["priority"] == "Low" and item["modifiedTime"] == changed["modifiedTime"]


def test_spam_is_not_found(client, tickets):
    target = tickets[-1]
    assert client.post("/tickets/markSpam", json={"ids": [target["id"]], "isSpam": True}).status_code in (200, 204)
    assert search(client, id=target["id"]) == ([], 0)


def test_contact_search_replays_the_seed_example(client):
    contact = client.get("/contacts", params={"limit": 1}).json()["data"][0]
    answer = client.get("/contacts/search", params={"limit": 1, "lastName": contact["lastName"]})
    assert answer.status_code == 200
    [item] = answer.json()["data"][:1]
    assert set(item) == CONTACT_SEARCH_KEYS | CONTACT_SEARCH_VENDOR_KEYS and item["lastName"] == contact["lastName"]
    full_name = f"{contact['firstName']} {contact['lastName'][:2]}*"
    assert contact["id"] in search(client, "/contacts/search", fullName=full_name, limit=100)[0]
    assert search(client, "/contacts/search", id=contact["id"])[0] == [contact["id"]]
    by_name = client.get("/contacts/search", params={"sortBy": "firstName", "limit": 100}).json()["data"]
    names = [item["firstName"] for item in by_name]
    assert [name.lower() for name in names] == sorted(name.lower() for name in names)


def test_account_search_replays_the_seed_example(client):
    answer = client.get("/accounts/search", params={"limit": 1, "accountName": "Zylker"})
    assert answer.status_code == 200 and answer.json()["count"] == "1"
    assert set(answer.json()["data"][0]) == ACCOUNT_KEYS | ACCOUNT_SEARCH_VENDOR_KEYS
    zylker = answer.json()["data"][0]
    assert len(search(client, "/accounts/search", accountName="zylker,acme")[0]) == 2
    count = zylker["customFields"]["contactCount"]
    assert zylker["id"] in search(client, "/accounts/search", customField1=f"contactCount:{count}", limit=100)[0]


def test_task_search_replays_the_seed_example(client, analysis):
    # given a High task on the example ticket
    body = {
        "subject": "Bug Fix #121",
        "departmentId": analysis["departmentId"],
        "priority": "High",
        "ticketId": analysis["id"],
    }
    task = client.post("/tasks", json=body).json()
    # when the seed's example is replayed
    answer = client.get("/tasks/search", params={"limit": 1, "priority": "High,Low"})
    # then
    assert answer.status_code == 200
    assert set(answer.json()["data"][0]) == TASK_KEYS | TASK_SEARCH_VENDOR_KEYS
    found = search(client, "/tasks/search", ticketNumber=analysis["ticketNumber"], subject="bug*")[0]
    assert found == [task["id"]]
    [item] = client.get("/tasks/search", params={"id": task["id"]}).json()["data"]
    assert (item["ticket"]["ticketNumber"], item["ticket"]["id"]) == (analysis["ticketNumber"], analysis["id"])
    vendor_contact = {"accountId", "email", "isSpam", "mobile", "phone", "secId"}  # the vendor's search item's
    assert set(item["ticket"]["contact"]) == {"firstName", "lastName", "id"} | vendor_contact


def test_global_search_replays_the_seed_example(client, analysis):
    # when the seed's example is replayed (a term every module has: the seeded "Zylker")
    answer = client.get("/search", params={"searchStr": "zylker", "from": 0, "limit": 10, "sortBy": "modifiedTime"})
    # then items of several modules, each with its example's fields, and a count per module
    assert answer.status_code == 200
    body = answer.json()
    assert set(body["count"]) == {"tickets", "tasks", "accounts", "contacts"}
    assert int(body["count"]["accounts"]) == 1 and int(body["count"]["contacts"]) >= 1
    assert len(body["data"]) == 10 and all(set(item) == GLOBAL_KEYS[item["module"]] for item in body["data"])
    real = client.get("/search", params={"searchStr": "real time anal", "module": "tickets"}).json()
    assert real["count"] == "1" and real["data"][0]["number"] == analysis["ticketNumber"]
    tasks = client.get("/search", params={"searchStr": "bug", "module": "tasks"})
    assert tasks.status_code == 200 and all(set(item) == GLOBAL_KEYS["tasks"] for item in tasks.json()["data"])
    assert client.get("/search", params={"searchStr": "qqqxxyz"}).status_code == 204
    assert client.get("/search").status_code == 422
    assert client.get("/search", params={"searchStr": "a", "module": "calls"}).status_code == 422


def test_searches_need_search_and_module_scopes(desk):
    only_search = scoped_token(desk, "Desk.search.READ")
    only_tickets = scoped_token(desk, "Desk.tickets.READ")
    both = scoped_token(desk, "Desk.search.READ", "Desk.tickets.READ")
    for token, status in ((only_search, 401), (only_tickets, 401), (both, 200)):
        with api(desk, token=token) as scoped:
            assert scoped.get("/tickets/search", params={"limit": 1}).status_code == status
    with api(desk, token=both) as scoped:
        assert scoped.get("/contacts/search", params={"limit": 1}).json()["errorCode"] == "SCOPE_MISMATCH"
        assert scoped.get("/search", params={"searchStr": "a"}).json()["errorCode"] == "SCOPE_MISMATCH"
