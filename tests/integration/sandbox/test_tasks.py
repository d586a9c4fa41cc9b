"""Tasks and task attachments over real HTTP: the seed's examples replayed, taskCount, filters, sorting, errors."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.desk_support import seeded_tickets, ticket
from tests.integration.sandbox.helpers import advance, api, last_write, scoped_token
from tests.integration.sandbox.vendor_keys import TASK_VENDOR_KEYS

# The union of the seed's task examples (GET one has completedTime, the list isCommented, creates customFields).
TASK_KEYS = {
    "modifiedTime",
    "customFields",
    "subject",
    "completedTime",
    "departmentId",
    "dueDate",
    "creatorId",
    "description",
    "ownerId",
    "priority",
    "createdTime",
    "id",
    "category",
    "ticketId",
    "status",
    "isCommented",
}
CREATE_EXAMPLE_KEYS = TASK_KEYS - {"completedTime", "isCommented"}
# the seed's embedded ticket (GET /tasks/{id}?include=tickets), then the rest of the vendor's ticket card
TICKET_EMBED_KEYS = {"ticketNumber", "contact", "id"} | {
    *("subject", "status", "channel", "phone", "dueDate", "closedTime", "createdTime"),
    *("teamId", "isArchived", "isSpam", "assignee"),
}
ATTACHMENT_KEYS = {"size", "creatorId", "name", "createdTime", "isPublic", "id", "href", "previewurl"}


@pytest.fixture(scope="module")
def tickets(client: httpx.Client) -> list[dict]:
    return seeded_tickets(client)


def example_body(department_id: str, **changes) -> dict:
    """The seed's POST /tasks example."""
    return {
        "subject": "Bug Fix #120",
        "departmentId": department_id,
        "dueDate": "2016-07-21T16:16:16.000Z",
        "category": None,
        "priority": "High",
        "status": "In Progress",
        **changes,
    }


def new_task(client: httpx.Client, department_id: str, **changes) -> dict:
    answer = client.post("/tasks", json=example_body(department_id, **changes))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_create_replays_the_seed_example(desk, client, tickets):
    answer = client.post("/tasks", json=example_body(tickets[0]["departmentId"]))
    assert answer.status_code == 200
    task = answer.json()
    assert set(task) == CREATE_EXAMPLE_KEYS | TASK_VENDOR_KEYS
    assert (task["subject"], task["priority"], task["status"]) == ("Bug Fix #120", "High", "In Progress")
    assert task["ticketId"] is None
    assert task["dueDate"] == "2016-07-21T16:16:16.000Z"
    shown = client.get(f"/tasks/{task['id']}").json()
    assert {name: shown[name] for name in task} == task and shown["completedTime"] is None
    write = last_write(desk)
    assert (write["method"], write["path"], write["status"]) == ("POST", "/api/v1/tasks", 200)


def test_task_on_a_ticket_counts_and_embeds_it(client, tickets):
    # given the ticket as it is
    before = ticket(client, tickets[0]["id"])
    # when a task is created on it and read back as the seed's GET example does
    task = new_task(client, tickets[0]["departmentId"], ticketId=tickets[0]["id"])
    one = client.get(f"/tasks/{task['id']}", params={"include": "tickets"}).json()
    # then
    after = ticket(client, tickets[0]["id"])
    assert int(after["taskCount"]) == int(before["taskCount"]) + 1 and after["modifiedTime"] >= task["createdTime"]
    assert set(one) == (set(task) | {"ticket", "completedTime"}) and set(one["ticket"]) == TICKET_EMBED_KEYS
    assert one["ticket"]["ticketNumber"] == before["ticketNumber"]
    assert one["ticket"]["contact"]["id"] == before["contactId"]
    listed = client.get(f"/tickets/{tickets[0]['id']}/tasks").json()["data"]
    assert task["id"] in [item["id"] for item in listed]


def test_update_replays_the_seed_example_and_completes(desk, client, tickets):
    task = new_task(client, tickets[1]["departmentId"], status="Not Started", priority="Normal")
    replayed = client.patch(f"/tasks/{task['id']}", json=example_body(tickets[1]["departmentId"]))
    completed = client.patch(f"/tasks/{task['id']}", json={"status": "Completed"})
    assert replayed.status_code == 200 and set(replayed.json()) == set(task)
    assert (replayed.json()["status"], replayed.json()["priority"]) == ("In Progress", "High")
    assert client.get(f"/tasks/{task['id']}").json()["completedTime"] is not None
    assert completed.json()["modifiedTime"] >= task["modifiedTime"]
    reopened = client.patch(f"/tasks/{task['id']}", json={"status": "In Progress"}).json()
    assert reopened["subject"] == "Bug Fix #120"
    assert client.get(f"/tasks/{task['id']}").json()["completedTime"] is None
    assert last_write(desk)["method"] == "PATCH"


def test_moving_a_task_moves_its_count(client, tickets):
    first, second = tickets[2], tickets[3]
    task = new_task(client, first["departmentId"], ticketId=first["id"])
    counts = [int(ticket(client, item["id"])["taskCount"]) for item in (first, second)]
    moved = client.patch(f"/tasks/{task['id']}", json={"ticketId": second["id"]})
    assert moved.status_code == 200 and moved.json()["ticketId"] == second["id"]
    assert [int(ticket(client, item["id"])["taskCount"]) for item in (first, second)] == [counts[0] - 1, counts[1] + 1]
    detached = client.patch(f"/tasks/{task['id']}", json={"ticketId": None}).json()
    assert detached["ticketId"] is None and int(ticket(client, second["id"])["taskCount"]) == counts[1]


def test_list_filters_sorts_and_pages(desk, client, tickets):
    # given two tasks of one department with different due dates, made a second apart
    department = tickets[4]["departmentId"]
    late = new_task(client, department, dueDate="2031-01-02T00:00:00.000Z")
    advance(desk, 1)
    early = new_task(client, department, dueDate="2030-01-02T00:00:00.000Z")
    # when listed as the seed's example does (no parameters), by department, by due date and newest first
    plain = client.get("/tasks")
    mine = client.get("/tasks", params={"departmentId": department, "limit": 100}).json()["data"]
    by_due = client.get("/tasks", params={"departmentId": department, "sortBy": "-dueDate", "limit": 2}).json()["data"]
    newest = client.get("/tasks", params={"sortBy": "-createdTime", "from": 0, "limit": 1}).json()["data"]
    # then
    assert {task["departmentId"] for task in mine} == {department}
    assert {late["id"], early["id"]} <= {task["id"] for task in mine}
    assert [task["id"] for task in by_due] == [late["id"], early["id"]]
    assert [task["id"] for task in newest] == [early["id"]]
    assert plain.status_code == 200 and all(
        set(task) <= TASK_KEYS | TASK_VENDOR_KEYS for task in plain.json()["data"] + mine
    )


def test_ticket_tasks_filter_by_completion(client, tickets):
    ticket_id = tickets[5]["id"]
    done = new_task(client, tickets[5]["departmentId"], ticketId=ticket_id, status="Completed")
    open_task = new_task(client, tickets[5]["departmentId"], ticketId=ticket_id)
    url = f"/tickets/{ticket_id}/tasks"
    completed = {task["id"] for task in client.get(url, params={"isCompleted": "true"}).json()["data"]}
    pending = {task["id"] for task in client.get(url, params={"isCompleted": "false"}).json()["data"]}
    assert done["id"] in completed and open_task["id"] not in completed
    assert open_task["id"] in pending and done["id"] not in pending
    quiet = next(
        item
        for item in seeded_tickets(client)
        if item["id"] not in {t["id"] for t in tickets[:6]} and ticket(client, item["id"])["taskCount"] == "0"
    )
    assert client.get(f"/tickets/{quiet['id']}/tasks").status_code == 204


def test_invalid_bodies_name_each_field(client, tickets):
    missing = client.post("/tasks", json={"priority": "Urgent", "status": "Done", "ticketId": "999", "dueDate": "soon"})
    assert missing.status_code == 422 and missing.json()["errorCode"] == "INVALID_DATA"
    assert {(error["fieldName"], error["errorType"]) for error in missing.json()["errors"]} == {
        ("/subject", "missing"),
        ("/departmentId", "missing"),
        ("/priority", "invalid"),
        ("/status", "invalid"),
        ("/ticketId", "invalid"),
        ("/dueDate", "invalid"),
    }
    task = new_task(client, tickets[0]["departmentId"])
    nulled = client.patch(f"/tasks/{task['id']}", json={"subject": None, "departmentId": "1"})
    assert {error["fieldName"] for error in nulled.json()["errors"]} == {"/subject", "/departmentId"}


def test_unknown_ids_and_query_rules(client):
    assert client.get("/tasks/999").status_code == 404
    assert client.patch("/tasks/999", json={"subject": "x"}).status_code == 404
    assert client.get("/tickets/999/tasks").status_code == 404
    assert client.get("/tasks", params={"sortBy": "ownerId"}).status_code == 422
    assert client.get("/tasks", params={"include": "owner"}).status_code == 422
    assert client.get("/tasks", params={"limit": 0}).status_code == 422
    assert client.get("/tasks", params={"isCompleted": "true"}).status_code == 422


def test_task_attachments_replay_the_seed_examples(desk, client, tickets):
    task = new_task(client, tickets[0]["departmentId"])
    url = f"/tasks/{task['id']}/attachments"
    # when a file is attached, the list read and the attachment deleted, as the seed's examples do
    created = client.post(url, files={"file": ("task_history.txt", b"history")})
    listed = client.get(url, params={"sortBy": "-createdTime", "from": 0, "limit": 10})
    write = last_write(desk)
    deleted = client.delete(f"{url}/{created.json()['id']}")
    # then
    assert created.status_code == 200 and set(created.json()) == ATTACHMENT_KEYS
    assert created.json()["href"].endswith(f"/tasks/{task['id']}/attachments/{created.json()['id']}/content")
    assert listed.json()["data"] == [created.json()]
    assert (write["method"], write["body"]) == ("POST", {"file": "task_history.txt"})
    assert deleted.status_code == 200 and client.get(url).status_code == 204
    assert client.delete(f"{url}/{created.json()['id']}").status_code == 404
    no_file = client.post(url, files={"other": ("a.txt", b"a")})
    assert no_file.json()["errors"] == [{"fieldName": "/file", "errorType": "missing"}]
    assert client.post("/tasks/999/attachments", files={"file": ("a.txt", b"a")}).status_code == 404


def test_ticket_tasks_need_both_task_and_ticket_scopes(desk, tickets):
    # given a token for tasks only, and one for tasks and tickets
    with api(desk, token=scoped_token(desk, "Desk.tasks.READ")) as tasks_only:
        own = tasks_only.get("/tasks", params={"limit": 1})
        denied = tasks_only.get(f"/tickets/{tickets[0]['id']}/tasks")
    with api(desk, token=scoped_token(desk, "Desk.tasks.READ,Desk.tickets.READ")) as both:
        allowed = both.get(f"/tickets/{tickets[0]['id']}/tasks")
    # then the ticket's tasks need both, as the seed says
    assert own.status_code == 200
    assert denied.status_code == 401 and denied.json()["errorCode"] == "SCOPE_MISMATCH"
    assert allowed.status_code in (200, 204)
