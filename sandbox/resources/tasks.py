"""Tasks: GET/POST /tasks, GET/PATCH /tasks/{task_id}, GET /tickets/{ticket_id}/tasks, and task attachments
GET/POST/DELETE /tasks/{task_id}/attachments[/{attachment_id}].

A task with a ticketId is that ticket's child: it counts in the ticket's taskCount, and creating, changing or
re-parenting it moves the ticket's modifiedTime. Completing a task stamps completedTime.
GET /tickets/{ticket_id}/tasks needs Desk.tasks.READ and Desk.tickets.READ, both, as the seed says.
Choices where the seed is silent (from the vendor's spec unless said): creates answer 200, deletes 204 with no
body; status and priority take the Desk's task values; `include=` also takes `assignee` and `contacts` (the
contact of the task's ticket), shaped as the spec shows them (sandbox/activity_cards.py), but not the spec's
`teams` (the sandbox has none); /tasks also sorts by the spec's other fields; lists are oldest first; the sandbox
has no spam tasks.
"""

from __future__ import annotations

from typing import Any

from sandbox.activity_cards import contact_card, with_cards
from sandbox.api import Call, Endpoint, Reply, deleted, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Flag, Id, Sort, include
from sandbox.records import new_attachment, new_task, set_task_status
from sandbox.records.tickets import TASK_DONE_STATUS
from sandbox.records.vendor_fields import task_extras
from sandbox.resources.body_fields import Object, OneOf, Ref, Text, Timestamp, read_fields
from sandbox.resources.customer_parts import ATTACHMENT_INCLUDE, attachment_views
from sandbox.resources.ticket_children import path_ticket
from sandbox.resources.uploads import read_file
from sandbox.state import Org, Record, public

READ, CREATE, UPDATE = ("Desk.tasks.READ",), ("Desk.tasks.CREATE",), ("Desk.tasks.UPDATE",)
STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
PRIORITIES = ("Highest", "High", "Normal", "Low", "Lowest")
FIELDS = {
    "subject": Text(max_length=300, nullable=False),
    "departmentId": Ref(collection="departments", nullable=False),
    "ticketId": Ref(collection="tickets"),
    "dueDate": Timestamp(),
    "ownerId": Ref(collection="agents"),
    "category": Text(),
    "status": OneOf(values=STATUSES, nullable=False),
    "priority": OneOf(values=PRIORITIES),
    "description": Text(),
    "customFields": Object(),
}
INCLUDES = include("tickets", "assignee", "contacts")
ONE_PARAMS = {"include": INCLUDES}
LIST_PARAMS = {
    **PAGING,
    **ONE_PARAMS,
    "departmentId": Id(),
    "sortBy": Sort(fields=("category", "subject", "dueDate", "status", "createdTime", "modifiedTime", "priority")),
}
TICKET_LIST_PARAMS = {
    **PAGING,
    **ONE_PARAMS,
    "sortBy": Sort(fields=("dueDate", "createdTime")),
    "isCompleted": Flag(),
    "isSpam": Flag(),
}
ATTACHMENT_PARAMS = {**PAGING, "sortBy": Sort(fields=("createdTime",)), "include": ATTACHMENT_INCLUDE}


# views ----------------------------------------------------------------------------------------------------------
# What each answer leaves out of the stored task, so it shows the field set of the seed's example for it; list
# items also leave out cf and reminder, which the vendor's list schemas (getTasksListResponse, taskListViewArray)
# do not declare.
OMIT_GET = frozenset({"isCommented"})  # GET /tasks/{id} (line 3240)
UNLISTED = frozenset({"cf", "reminder"})
OMIT_LIST = frozenset({"customFields"}) | UNLISTED  # GET /tasks items (line 3292)
OMIT_WRITE = frozenset({"completedTime", "isCommented"})  # POST /tasks, PATCH /tasks/{id} (lines 3312, 3334)
OMIT_TICKET_TASKS = OMIT_WRITE | UNLISTED  # GET /tickets/{id}/tasks items (line 3379)


def task_view(
    org: Org, task: Record, embeds: list[str], omit: frozenset[str] = frozenset(), ticket_contact: bool = True
) -> Record:
    """The task less `omit`, with the cards `include` asks for (sandbox/activity_cards.py; `contacts` is the
    contact of the task's ticket). The ticket card also shows its contact's, as the seed's GET /tasks/{id} example
    and the vendor's getTasksListResponse have it, unless `ticket_contact` is false: the vendor's ticket tasks list
    (taskListViewArray) has no contact in it."""
    record = {**task_extras(org, task), **public(task)}  # the vendor's always-present fields under the task's
    view = with_cards(org, {name: value for name, value in record.items() if name not in omit}, embeds)
    if view.get("ticket") is not None and ticket_contact:
        view["ticket"]["contact"] = contact_card(org, record["contactId"])
    return view


def _listing(call: Call, tasks: list[Record], omit: frozenset[str], ticket_contact: bool = True) -> Reply:
    """Oldest first unless `sortBy` says otherwise."""
    field_name, descending = call.query.get("sortBy", ("createdTime", False))
    tasks = sort_records(tasks, field_name, descending)
    embeds = call.query.get("include", [])
    return listing([task_view(call.org, task, embeds, omit, ticket_contact) for task in page(tasks, call.query)])


def _path_task(call: Call) -> Record:
    task = call.org.tasks.get(call.path["task_id"])
    if task is None:
        raise not_found()
    return task


# tasks ----------------------------------------------------------------------------------------------------------
def list_tasks(call: Call) -> Reply:
    tasks = list(call.org.tasks.values())
    if "departmentId" in call.query:
        tasks = [task for task in tasks if task["departmentId"] == call.query["departmentId"]]
    return _listing(call, tasks, OMIT_LIST)


def list_ticket_tasks(call: Call) -> Reply:
    ticket = path_ticket(call)
    tasks = [] if call.query.get("isSpam") else call.org.children("tasks", ticket["id"])
    if "isCompleted" in call.query:
        tasks = [task for task in tasks if (task["status"] == TASK_DONE_STATUS) == call.query["isCompleted"]]
    return _listing(call, tasks, OMIT_TICKET_TASKS, ticket_contact=False)


def get_task(call: Call) -> Reply:
    return ok(task_view(call.org, _path_task(call), call.query.get("include", []), OMIT_GET))


def _attach(org: Org, task: Record, ticket_id: str | None) -> None:
    """File the task under its ticket (counted in taskCount, ticket touched) or on its own."""
    if ticket_id is None:
        task.pop("_ticketId", None)
        org.tasks[task["id"]] = task
        return
    org.add_child("tasks", ticket_id, task)
    if ticket_id in org.tickets:
        org.touch(org.tickets[ticket_id])


def create_task(call: Call) -> Reply:
    values = read_fields(call.org, call.body, FIELDS, required=("subject", "departmentId"))
    values.setdefault("status", "Not Started")
    task = new_task(call.org, creatorId=call.agent["id"], **values)
    _attach(call.org, task, task["ticketId"])
    return ok(task_view(call.org, task, [], OMIT_WRITE))


def _detach(org: Org, task: Record) -> None:
    ticket_id = task.get("_ticketId")
    org.remove_child("tasks", task["id"])
    if ticket_id in org.tickets:
        org.touch(org.tickets[ticket_id])


def update_task(call: Call) -> Reply:
    """Only the fields sent change; a new ticketId moves the task (and its count) to that ticket."""
    task = _path_task(call)
    values: dict[str, Any] = read_fields(call.org, call.body, FIELDS)
    now = call.now_text
    if "status" in values:
        set_task_status(task, values.pop("status"), at=now)
    if "customFields" in values:
        values["customFields"] = {**task["customFields"], **(values["customFields"] or {})}
    task.update(values)
    task["modifiedTime"] = now
    _detach(call.org, task)
    _attach(call.org, task, task["ticketId"])
    return ok(task_view(call.org, task, [], OMIT_WRITE))


# task attachments -----------------------------------------------------------------------------------------------
def _path_attachment(call: Call) -> tuple[Record, Record]:
    task = _path_task(call)
    attachment = call.org.task_attachments.get(call.path["attachment_id"])
    if attachment is None or attachment["_taskId"] != task["id"]:
        raise not_found()
    return task, attachment


def list_task_attachments(call: Call) -> Reply:
    task = _path_task(call)
    attachments = [item for item in call.org.task_attachments.values() if item["_taskId"] == task["id"]]
    field_name, descending = call.query.get("sortBy", ("createdTime", False))
    attachments = sort_records(attachments, field_name, descending)
    return listing(attachment_views(call.org, page(attachments, call.query), call.query.get("include", ())))


def create_task_attachment(call: Call) -> Reply:
    task = _path_task(call)
    name, content = read_file(call)
    attachment = new_attachment(call.org, "tasks", task["id"], name=name, creatorId=call.agent["id"], content=content)
    attachment["_taskId"] = task["id"]
    call.org.task_attachments[attachment["id"]] = attachment
    return ok(public(attachment))


def delete_task_attachment(call: Call) -> Reply:
    _, attachment = _path_attachment(call)
    del call.org.task_attachments[attachment["id"]]
    return deleted()


TASK = "/tasks/{task_id:id}"
ENDPOINTS = [
    Endpoint("GET", "/tasks", list_tasks, READ, params=LIST_PARAMS),
    Endpoint("POST", "/tasks", create_task, CREATE, body="json"),
    Endpoint("GET", TASK, get_task, READ, params=ONE_PARAMS),
    Endpoint("PATCH", TASK, update_task, UPDATE, body="json"),
    Endpoint(
        "GET",
        "/tickets/{ticket_id:id}/tasks",
        list_ticket_tasks,
        READ,
        params=TICKET_LIST_PARAMS,
        required_scopes=("Desk.tickets.READ",),
    ),
    Endpoint("GET", TASK + "/attachments", list_task_attachments, READ, params=ATTACHMENT_PARAMS),
    Endpoint("POST", TASK + "/attachments", create_task_attachment, UPDATE, body="multipart"),
    Endpoint("DELETE", TASK + "/attachments/{attachment_id:id}", delete_task_attachment, UPDATE),
]
