"""merge, move, split, updateMany and markSpam over real HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.integration.sandbox.desk_support import seeded_tickets, ticket
from tests.integration.sandbox.helpers import advance, last_write
from tests.integration.sandbox.ticket_support import TICKET_KEYS, acting_agent, make_ticket, member_and_outsider
from tests.integration.sandbox.vendor_keys import TICKET_READ_ONLY_KEYS, TICKET_WRITE_VENDOR_KEYS, less

COUNTS = ("threadCount", "commentCount", "attachmentCount", "timeEntryCount", "taskCount")
# The merge and split examples show the ticket without isDeleted; the sandbox always shows it (GET and create do).
ACTION_TICKET_KEYS = TICKET_KEYS - {"isDeleted"} | TICKET_WRITE_VENDOR_KEYS


def thread_ids(client: httpx.Client, ticket_id: str) -> list[str]:
    answer = client.get(f"/tickets/{ticket_id}/threads", params={"limit": 100})
    return [thread["id"] for thread in answer.json()["data"]] if answer.status_code == 200 else []


def with_one_of_each_child(client: httpx.Client, created: dict) -> dict:
    """The ticket after a comment, an attachment, a time entry and a task were added (thread: its description)."""
    ticket_id = created["id"]
    assert client.post(f"/tickets/{ticket_id}/comments", json={"content": "looking"}).status_code == 200
    files = {"file": ("log.txt", b"error 500", "text/plain")}
    assert client.post(f"/tickets/{ticket_id}/attachments", files=files).status_code == 200
    assert client.post(f"/tickets/{ticket_id}/timeEntry", json={"hoursSpent": "1"}).status_code == 200
    task = {"subject": "call back", "departmentId": created["departmentId"], "ticketId": ticket_id}
    assert client.post("/tasks", json=task).status_code == 200
    return ticket(client, ticket_id)


# merge --------------------------------------------------------------------------------------------------
def test_merge_replays_the_example_and_folds_everything_in(desk, client):
    # given a fresh target and two seeded tickets with comments, time entries, ...
    target = make_ticket(client, customFields={"ModelName": "X1 Lite"})
    first = with_one_of_each_child(client, make_ticket(client, subject="First", customFields={"ModelName": "F5 2018"}))
    second = with_one_of_each_child(client, make_ticket(client, status="On Hold"))
    threads = set(thread_ids(client, target["id"]) + thread_ids(client, first["id"]) + thread_ids(client, second["id"]))
    # when merged as the seed's example does, the subject and model taken from the first, the status from the second
    source = {
        "subject": first["id"],
        "status": second["id"],
        "customFields": {"ModelName": first["id"]},
        "priority": target["id"],
    }
    answer = client.post(f"/tickets/{target['id']}/merge", json={"ids": [first["id"], second["id"]], "source": source})
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) - {"isDeleted"} == ACTION_TICKET_KEYS
    assert (body["subject"], body["status"]) == (first["subject"], second["status"])
    assert body["priority"] == target["priority"]
    assert body["customFields"]["ModelName"] == first["customFields"]["ModelName"]
    assert all(first[name] == "1" for name in COUNTS)
    for name in COUNTS:
        assert int(body[name]) == int(target[name]) + int(first[name]) + int(second[name]), name
    assert set(thread_ids(client, target["id"])) == threads
    assert len(client.get(f"/tickets/{target['id']}/comments").json()["data"]) == 2
    assert all(client.get(f"/tickets/{t['id']}").status_code == 404 for t in (first, second))
    # the merge answer shows no isDeleted, nor GET's read-only keys
    assert less(ticket(client, target["id"]), TICKET_READ_ONLY_KEYS) == {**body, "isDeleted": "false"}
    assert last_write(desk)["path"] == f"/api/v1/tickets/{target['id']}/merge"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "/ids"),
        ({"ids": []}, "/ids"),
        ({"ids": ["1"]}, "/ids"),
        ({"ids": "x"}, "/ids"),
        ({"ids": ["<other>"], "source": {"subject": "1"}}, "/source/subject"),
        ({"ids": ["<other>"], "source": {"colour": "<other>"}}, "/source/colour"),
        ({"ids": ["<other>"], "colour": 1}, "/colour"),
    ],
)
def test_merge_refuses_bad_bodies(client, body, field):
    target, other = make_ticket(client), make_ticket(client)
    text = json.dumps(body).replace("<other>", other["id"])
    answer = client.post(f"/tickets/{target['id']}/merge", content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["fieldName"] == field
    assert client.get(f"/tickets/{other['id']}").status_code == 200


def test_merge_refuses_the_target_itself(client):
    target = make_ticket(client)
    answer = client.post(f"/tickets/{target['id']}/merge", json={"ids": [target["id"]]})
    assert answer.status_code == 422


# move ---------------------------------------------------------------------------------------------------
def test_move_replays_the_example_and_keeps_a_member_assignee(desk, client):
    # given a ticket assigned to the admin, who belongs to every department
    admin = acting_agent(client)
    created = make_ticket(client, assigneeId=admin)
    other = next(t["departmentId"] for t in seeded_tickets(client) if t["departmentId"] != created["departmentId"])
    advance(desk, 2)
    # when moved as the seed's curl example does (departmentId in the query)
    answer = client.post(f"/tickets/{created['id']}/move", params={"departmentId": other})
    # then 200 with no body, and the ticket is in the other department, still assigned
    assert (answer.status_code, answer.content) == (200, b"")
    moved = ticket(client, created["id"])
    assert (moved["departmentId"], moved["assigneeId"]) == (other, admin)
    assert moved["modifiedTime"] > created["modifiedTime"]
    write = last_write(desk)
    assert (write["path"], write["query"]) == (f"/api/v1/tickets/{created['id']}/move", {"departmentId": other})


def test_move_with_a_body_unassigns_an_outsider(client):
    agent, member, outsider = member_and_outsider(client)
    created = make_ticket(client, departmentId=member, assigneeId=agent)
    answer = client.post(f"/tickets/{created['id']}/move", json={"departmentId": outsider})
    assert answer.status_code == 200
    moved = ticket(client, created["id"])
    assert (moved["departmentId"], moved["assigneeId"]) == (outsider, None)


def test_move_refuses_unknown_or_missing_departments(client):
    created = make_ticket(client)
    unknown = client.post(f"/tickets/{created['id']}/move", params={"departmentId": "1"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"fieldName": "/departmentId", "errorType": "invalid"}]
    missing = client.post(f"/tickets/{created['id']}/move")
    assert missing.json()["errors"] == [{"fieldName": "/departmentId", "errorType": "missing"}]
    assert client.post("/tickets/1/move", params={"departmentId": created["departmentId"]}).status_code == 404


# split --------------------------------------------------------------------------------------------------
def test_split_replays_the_example_and_moves_the_thread(desk, client):
    # given a seeded ticket whose customer wrote more than once
    for candidate in seeded_tickets(client)[1:]:
        threads = client.get(f"/tickets/{candidate['id']}/threads", params={"sortBy": "sendDateTime", "limit": 100})
        incoming = [t for t in threads.json()["data"] if t["direction"] == "in"]
        if len(incoming) > 1 and incoming[0]["id"] == threads.json()["data"][0]["id"]:
            break
    else:
        pytest.fail("no seeded ticket with two customer messages")
    before = ticket(client, candidate["id"])
    # when the later message is split off as the seed's curl example does
    answer = client.post(f"/tickets/{candidate['id']}/threads/{incoming[1]['id']}/split")
    # then a new ticket holds that message, and the old one no longer does
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) - {"isDeleted"} == ACTION_TICKET_KEYS
    assert body["id"] != candidate["id"]
    assert (body["subject"], body["contactId"]) == (before["subject"], before["contactId"])
    assert thread_ids(client, body["id"]) == [incoming[1]["id"]] and body["threadCount"] == "1"
    after = ticket(client, candidate["id"])
    assert int(after["threadCount"]) == int(before["threadCount"]) - 1
    assert incoming[1]["id"] not in thread_ids(client, candidate["id"])
    assert client.get(f"/tickets/{body['id']}/threads/{incoming[1]['id']}").status_code == 200
    # and the first message cannot be split off
    first = client.post(f"/tickets/{candidate['id']}/threads/{incoming[0]['id']}/split")
    assert first.status_code == 422


def test_split_refuses_outgoing_and_foreign_threads(client):
    created, other = make_ticket(client), make_ticket(client)
    reply = client.post(f"/tickets/{created['id']}/sendReply", json={"channel": "FACEBOOK", "content": "hi"}).json()
    assert client.post(f"/tickets/{created['id']}/threads/{reply['id']}/split").status_code == 422
    assert client.post(f"/tickets/{other['id']}/threads/{reply['id']}/split").status_code == 404


# updateMany ---------------------------------------------------------------------------------------------
def test_update_many_replays_the_example_with_per_id_results(desk, client):
    # given three tickets  # when their subject is set as the seed's example does, with one unknown id
    ids = [make_ticket(client)["id"] for _ in range(3)]
    body = {"fieldName": "subject", "isCustomField": False, "ids": [*ids, "1"], "fieldValue": "Ticket for support"}
    answer = client.post("/tickets/updateMany", json=body)
    # then each known ticket is updated and the unknown one fails alone
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["id"], r["success"]) for r in results] == [(i, True) for i in ids] + [("1", False)]
    assert results[0]["errors"] is None and results[-1]["errors"]["httpCode"] == "422"
    assert all(ticket(client, i)["subject"] == "Ticket for support" for i in ids)
    assert last_write(desk)["body"] == body


def test_update_many_sets_status_and_custom_fields(client):
    ids = [make_ticket(client)["id"] for _ in range(2)]
    client.post("/tickets/updateMany", json={"fieldName": "status", "ids": ids, "fieldValue": "Closed"})
    assert all(ticket(client, i)["statusType"] == "Closed" and ticket(client, i)["closedTime"] for i in ids)
    custom = {"fieldName": "ModelName", "isCustomField": True, "ids": ids, "fieldValue": "X1 Pro"}
    assert client.post("/tickets/updateMany", json=custom).status_code == 200
    assert all(ticket(client, i)["customFields"]["ModelName"] == "X1 Pro" for i in ids)


def test_update_many_fails_one_ticket_whose_department_the_assignee_is_not_in(client):
    agent, member, outsider = member_and_outsider(client)
    inside, outside = make_ticket(client, departmentId=member), make_ticket(client, departmentId=outsider)
    body = {"fieldName": "assigneeId", "ids": [inside["id"], outside["id"]], "fieldValue": agent}
    results = client.post("/tickets/updateMany", json=body).json()["results"]
    assert [r["success"] for r in results] == [True, False]
    assert (ticket(client, inside["id"])["assigneeId"], ticket(client, outside["id"])["assigneeId"]) == (agent, None)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"fieldName": "subject", "fieldValue": "x"}, "/ids"),
        ({"ids": ["<id>"], "fieldValue": "x"}, "/fieldName"),
        ({"ids": ["<id>"], "fieldName": "colour", "fieldValue": "x"}, "/fieldName"),
        ({"ids": ["<id>"], "fieldName": "shoeSize", "isCustomField": True, "fieldValue": "x"}, "/fieldName"),
        ({"ids": ["<id>"], "fieldName": "status", "fieldValue": "Nope"}, "/fieldValue"),
        ({"ids": ["<id>"], "fieldName": "status"}, "/fieldValue"),
    ],
)
def test_update_many_refuses_bad_bodies(client, body, field):
    created = ticket(client, make_ticket(client)["id"])
    body = {key: [created["id"]] if key == "ids" else value for key, value in body.items()}
    answer = client.post("/tickets/updateMany", json=body)
    assert answer.status_code == 422 and answer.json()["errors"][0]["fieldName"] == field
    assert ticket(client, created["id"]) == created


# markSpam -----------------------------------------------------------------------------------------------
def test_mark_spam_replays_the_example_and_hides_the_ticket_from_lists(desk, client):
    # given a fresh ticket  # when marked as spam as the seed's example does (a bare number, "true" as text)
    created = make_ticket(client)
    answer = client.post("/tickets/markSpam", json={"ids": [int(created["id"])], "isSpam": "true"})
    # then it leaves the lists but can still be read
    assert answer.status_code == 200
    assert answer.json() == {"results": [{"success": True, "id": created["id"], "errors": None}]}
    listed = client.get("/tickets", params={"limit": 100, "sortBy": "-createdTime"}).json()["data"]
    assert created["id"] not in {t["id"] for t in listed}
    assert ticket(client, created["id"])["status"] == created["status"]
    # and unmarking brings it back
    client.post("/tickets/markSpam", json={"ids": [created["id"]], "isSpam": False})
    listed = client.get("/tickets", params={"limit": 100, "sortBy": "-createdTime"}).json()["data"]
    assert created["id"] in {t["id"] for t in listed}


def test_mark_spam_refuses_bad_bodies(client):
    assert client.post("/tickets/markSpam", json={"ids": ["1"]}).json()["errors"][0]["fieldName"] == "/isSpam"
    assert client.post("/tickets/markSpam", json={"isSpam": True}).json()["errors"][0]["fieldName"] == "/ids"
    results = client.post("/tickets/markSpam", json={"ids": ["1"], "isSpam": True}).json()["results"]
    assert results[0]["success"] is False
