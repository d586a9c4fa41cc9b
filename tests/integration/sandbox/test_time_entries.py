"""Ticket time entries over real HTTP: the seed's examples replayed, totalCost, timeEntryCount, filters, errors."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.desk_support import seeded_tickets, ticket
from tests.integration.sandbox.helpers import last_write

# The seed's create answer; GET with include=owner adds "owner" {photoURL, name}.
ENTRY_KEYS = {
    "secondsSpent",
    "executedTime",
    "customFields",
    "minutesSpent",
    "creatorId",
    "agentCostPerHour",
    "description",
    "hoursSpent",
    "ownerId",
    "createdTime",
    "id",
    "requestChargeType",
    "additionalCost",
    "totalCost",
} | {  # and the keys the vendor's ticketTimeEntryResponse requires beyond the seed's
    "cf",
    "createdBy",
    "departmentId",
    "fixedCost",
    "invoiceId",
    "isBillable",
    "isTrashed",
    "layoutDetails",
    "layoutId",
    "mode",
    "parent",
    "requestId",
    "taskId",
}
LISTED_KEYS = ENTRY_KEYS | {"billingType"}  # a listed entry's, as the vendor's list schema has it
OWNER_KEYS = {"photoURL", "name"} | {"id", "firstName", "lastName"}  # the seed's, then the vendor's owner's


@pytest.fixture(scope="module")
def tickets(client: httpx.Client) -> list[dict]:
    return [item for item in seeded_tickets(client) if item["assigneeId"]]


def example_body(owner_id: str, **changes) -> dict:
    """The seed's POST example (its totalCost is read-only and must be ignored)."""
    return {
        "secondsSpent": "21",
        "executedTime": "2016-06-22T20:30:00.000Z",
        "customFields": {"timeEntryName": "time2"},
        "minutesSpent": "23",
        "agentCostPerHour": "3.0",
        "description": "Time Entry description",
        "hoursSpent": "3",
        "ownerId": owner_id,
        "requestChargeType": "Customer Service",
        "additionalCost": "10.0",
        "totalCost": "999.99",
        **changes,
    }


def log_time(client: httpx.Client, ticket: dict, **changes) -> dict:
    answer = client.post(f"/tickets/{ticket['id']}/timeEntry", json=example_body(ticket["assigneeId"], **changes))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_create_replays_the_seed_example(desk, client, tickets):
    # given the ticket as it is
    before = ticket(client, tickets[0]["id"])
    # when the seed's curl example is replayed
    answer = client.post(f"/tickets/{tickets[0]['id']}/timeEntry", json=example_body(tickets[0]["assigneeId"]))
    # then the answer has the example's fields and the example's derived totalCost
    assert answer.status_code == 200
    entry = answer.json()
    assert set(entry) == ENTRY_KEYS
    assert (entry["hoursSpent"], entry["minutesSpent"], entry["secondsSpent"]) == ("3", "23", "21")
    assert (entry["agentCostPerHour"], entry["additionalCost"], entry["totalCost"]) == ("3.0", "10.0", "20.17")
    assert entry["customFields"] == {"timeEntryName": "time2"} and entry["ownerId"] == tickets[0]["assigneeId"]
    after = ticket(client, tickets[0]["id"])
    assert int(after["timeEntryCount"]) == int(before["timeEntryCount"]) + 1
    assert after["modifiedTime"] >= entry["createdTime"]
    write = last_write(desk)
    assert (write["method"], write["path"]) == ("POST", f"/api/v1/tickets/{tickets[0]['id']}/timeEntry")
    assert write["status"] == 200


def test_get_one_with_owner_replays_the_seed_example(client, tickets):
    entry = log_time(client, tickets[0])
    answer = client.get(f"/tickets/{tickets[0]['id']}/timeEntry/{entry['id']}", params={"include": "owner"})
    assert answer.status_code == 200
    assert set(answer.json()) == ENTRY_KEYS | {"owner"} and set(answer.json()["owner"]) == OWNER_KEYS
    assert client.get(f"/tickets/{tickets[0]['id']}/timeEntry/{entry['id']}").json() == entry


def test_an_entry_without_owner_is_the_callers_and_embeds_them(client, tickets):
    # when an entry is logged without an ownerId
    body = {"hoursSpent": "1", "requestChargeType": "Customer Service"}
    entry = client.post(f"/tickets/{tickets[0]['id']}/timeEntry", json=body).json()
    # then it is the caller's, and include=owner shows them (the vendor's schema requires an owner there)
    path = f"/tickets/{tickets[0]['id']}/timeEntry/{entry['id']}"
    owner = client.get(path, params={"include": "owner"}).json()["owner"]
    assert entry["ownerId"] == entry["creatorId"] and owner["id"] == entry["creatorId"]


def test_list_replays_the_seed_example_and_orders_by_executed_time(client, tickets):
    # given three entries executed on different days
    days = ["2016-06-24T19:30:00.000Z", "2016-06-13T19:30:00.000Z", "2016-06-22T20:30:00.000Z"]
    for day in days:
        log_time(client, tickets[1], executedTime=day)
    url = f"/tickets/{tickets[1]['id']}/timeEntry"
    # when listed as the seed's example does, and newest first
    listed = client.get(url, params={"from": 0, "limit": 10, "include": "owner"})
    newest = client.get(url, params={"orderBy": "DESC", "limit": 100}).json()["data"]
    # then
    assert listed.status_code == 200
    assert all(set(item) == LISTED_KEYS | {"owner"} for item in listed.json()["data"])
    executed = [item["executedTime"] for item in newest]
    assert executed == sorted(executed, reverse=True) and set(days) <= set(executed)
    assert client.get(url, params={"from": 1, "limit": 1, "orderBy": "DESC"}).json()["data"] == [newest[1]]


def test_list_filters(client, tickets):
    # given one non-billable entry among billable ones
    url = f"/tickets/{tickets[2]['id']}/timeEntry"
    billable = log_time(client, tickets[2])
    unbilled = log_time(client, tickets[2], isBillable=False)
    # when filtered
    non_billable = client.get(url, params={"isBillable": "false"}).json()["data"]
    by_status = client.get(url, params={"billStatus": "billable", "limit": 100}).json()["data"]
    created_range = f"{billable['createdTime']},{unbilled['createdTime']}"
    in_range = client.get(url, params={"createdTimeRange": created_range}).json()["data"]
    # then
    assert [item["id"] for item in non_billable] == [unbilled["id"]]
    billable_ids = {item["id"] for item in by_status}
    assert billable["id"] in billable_ids and unbilled["id"] not in billable_ids
    assert {item["id"] for item in in_range} == {billable["id"], unbilled["id"]}
    assert client.get(url, params={"module": "tasks"}).status_code == 204
    assert client.get(url, params={"billStatus": "billed"}).status_code == 204


def test_update_replays_the_seed_example_and_recomputes_total(desk, client, tickets):
    entry = log_time(client, tickets[3], requestChargeType="Product Consultation", description="old")
    url = f"/tickets/{tickets[3]['id']}/timeEntry/{entry['id']}"
    # when the seed's PUT example is replayed, then the hours change
    replayed = client.put(url, json={"description": "Time Entry description", "requestChargeType": "Customer Service"})
    rehoured = client.put(url, json={"hoursSpent": 1, "minutesSpent": "0", "secondsSpent": 0})
    # then only the sent fields change, and totalCost follows the time
    assert replayed.status_code == 200 and set(replayed.json()) == ENTRY_KEYS
    expected = {**entry, "description": "Time Entry description", "requestChargeType": "Customer Service"}
    assert replayed.json() == expected
    assert (rehoured.json()["hoursSpent"], rehoured.json()["totalCost"]) == ("1", "13.00")
    assert client.get(url).json() == rehoured.json()
    assert last_write(desk)["method"] == "PUT"


def test_delete_removes_and_uncounts(client, tickets):
    entry = log_time(client, tickets[4])
    before = ticket(client, tickets[4]["id"])
    answer = client.delete(f"/tickets/{tickets[4]['id']}/timeEntry/{entry['id']}")
    assert answer.status_code == 200 and answer.content == b""
    assert int(ticket(client, tickets[4]["id"])["timeEntryCount"]) == int(before["timeEntryCount"]) - 1
    assert client.get(f"/tickets/{tickets[4]['id']}/timeEntry/{entry['id']}").status_code == 404


def test_invalid_bodies_name_each_field(client, tickets):
    url = f"/tickets/{tickets[0]['id']}/timeEntry"
    bad = client.post(
        url,
        json={
            "minutesSpent": 75,
            "hoursSpent": "two",
            "ownerId": "123",
            "agentCostPerHour": "-1",
            "requestChargeType": "Lunch",
            "executedTime": "yesterday",
            "description": "x" * 101,
        },
    )
    assert bad.status_code == 422 and bad.json()["errorCode"] == "INVALID_DATA"
    assert {(error["fieldName"], error["errorType"]) for error in bad.json()["errors"]} == {
        ("/minutesSpent", "invalid"),
        ("/hoursSpent", "invalid"),
        ("/ownerId", "invalid"),
        ("/agentCostPerHour", "invalid"),
        ("/requestChargeType", "invalid"),
        ("/executedTime", "invalid"),
        ("/description", "invalid"),
    }
    entry = log_time(client, tickets[0])
    put = client.put(f"{url}/{entry['id']}", json={"secondsSpent": 60})
    assert put.json()["errors"] == [{"fieldName": "/secondsSpent", "errorType": "invalid"}]


def test_unknown_ids_and_query_rules(client, tickets):
    entry = log_time(client, tickets[0])
    assert client.post("/tickets/999/timeEntry", json={"hoursSpent": 1}).status_code == 404
    assert client.get(f"/tickets/{tickets[1]['id']}/timeEntry/{entry['id']}").status_code == 404
    url = f"/tickets/{tickets[0]['id']}/timeEntry"
    assert client.get(url, params={"orderBy": "executedTime"}).status_code == 422
    assert client.get(url, params={"module": "contacts"}).status_code == 422
    assert client.get(url, params={"limit": 101}).status_code == 422
    assert client.get(url, params={"sortBy": "createdTime"}).status_code == 422
