"""A ticket's activities: GET /tickets/{id}/activities, its tasks, calls and events in one list.

From the vendor's spec (Activity.json getActivitiesForTicket): any one of Desk.calls.READ, Desk.tasks.READ,
Desk.events.READ or their Desk.activities.* forms suffices; paged with from and limit 1..100; sorted by
activityTime or createdTime (`-` descending); `isCompleted` and `isSpam` filter; `include=contacts,tickets,assignee`
embeds the cards of sandbox/activity_cards.py; nothing to show answers 204. Each item is one of the vendor's
contact-or-account list views plus `activityType` ("Tasks", "Calls", "Events"):
- a call: its list keys (calls_events.LIST_KEYS) and callId (null), no direction;
- an event: the same plus category;
- a task: the same plus category, dueDate and direction, its startTime its due date and its direction "inbound"
  (the schema requires one of inbound, outbound; the vendor's example shows tasks so).

Choices where the spec is silent: oldest first unless `sortBy`; an activity's time is a task's due date (else its
creation), a call's or event's start; nothing is spam here.
"""

from __future__ import annotations

from typing import Any

from sandbox.activity_cards import CARDS
from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.listing import page, sort_records
from sandbox.params import FROM, Flag, Integer, Sort
from sandbox.records.catalogue import collection
from sandbox.resources.calls_events import INCLUDE, LIST_KEYS, commented_calls, list_view
from sandbox.resources.tasks import task_view
from sandbox.resources.ticket_children import path_ticket
from sandbox.state import Org, Record

SCOPES = (
    "Desk.calls.READ",
    "Desk.tasks.READ",
    "Desk.events.READ",
    "Desk.activities.calls.READ",
    "Desk.activities.tasks.READ",
    "Desk.activities.events.READ",
)
KINDS = {"Tasks": "tasks", "Calls": "calls", "Events": "events"}
KEYS = {
    "Calls": (*LIST_KEYS, "callId"),
    "Events": (*LIST_KEYS, "callId", "category"),
    "Tasks": (*LIST_KEYS, "callId", "category", "direction", "dueDate"),
}


def _listed(org: Org, ticket_id: str) -> list[Record]:
    """The ticket's tasks, calls and events: each {activityType, record}."""
    listed = [{"activityType": "Tasks", "record": task} for task in org.children("tasks", ticket_id)]
    for label in ("Calls", "Events"):
        records = collection(org, KINDS[label]).values()
        listed += [{"activityType": label, "record": r} for r in records if r.get("ticketId") == ticket_id]
    return listed


def _read(item: Record, name: str) -> Any:
    """A field to sort by; an activity's time is a task's due date (else its creation), a call's or event's start."""
    record = item["record"]
    if name != "activityTime":
        return record.get(name)
    return record.get("dueDate" if item["activityType"] == "Tasks" else "startTime") or record["createdTime"]


def _item(org: Org, item: Record, embeds: list[str], commented: set[str]) -> Record:
    label, record = item["activityType"], item["record"]
    if label != "Tasks":
        return {**list_view(org, record, KEYS[label], embeds, commented), "activityType": label}
    task = task_view(org, record, embeds, ticket_contact=False)
    view = task | {"callId": None, "direction": "inbound", "startTime": task.get("dueDate")}
    keys = (*KEYS[label], *(CARDS[name][0] for name in embeds))
    return {**{key: view.get(key) for key in keys}, "activityType": label}


def activities(call: Call) -> Reply:
    org, query, ticket = call.org, call.query, path_ticket(call)
    listed = _listed(org, ticket["id"])
    if "isCompleted" in query:
        listed = [item for item in listed if (_read(item, "status") == "Completed") == query["isCompleted"]]
    if query.get("isSpam"):
        listed = []
    listed.sort(key=lambda item: item["record"]["createdTime"])
    if "sortBy" in query:
        name, descending = query["sortBy"]
        listed = sort_records(listed, name, descending, _read)
    embeds, commented = query.get("include", []), commented_calls(org)
    return listing([_item(org, item, embeds, commented) for item in page(listed, query)])


ENDPOINTS = [
    Endpoint(
        "GET",
        "/tickets/{ticket_id:id}/activities",
        activities,
        SCOPES,
        params={
            "from": FROM,
            "limit": Integer(minimum=1, maximum=100),
            "sortBy": Sort(("activityTime", "createdTime")),
            "isCompleted": Flag(),
            "isSpam": Flag(),
            "include": INCLUDE,
        },
    ),
]
