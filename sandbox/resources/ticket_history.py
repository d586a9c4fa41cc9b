"""What a ticket went through: GET /tickets/{id}/latestThread, /tickets/{id}/History, /tickets/{id}/activities.

From the vendor's spec: latestThread answers the ticket's newest thread as GET .../threads/{id} shows it (with
content); History answers {"data": [event...]} (records/history.py), newest first; all need Desk.tickets.READ.

Choices where the spec is silent:
- latestThread leaves drafts out (they are not part of the conversation); a ticket without a thread answers 204.
- History pages with from (0-based) and limit 1..50 (default 50), and filters by `agentId` (the actor) and
  `fieldName` (TicketUpdated events naming that field); nothing to show answers 204.
- activities lists the ticket's tasks, calls and events, oldest first, each as its own record plus
  `activityType` ("Tasks", "Calls", "Events"); paged with from/limit 1..100; none answers 204. It also needs one
  of the activity scopes (Desk.activities.READ, Desk.tasks.READ, Desk.calls.READ, Desk.events.READ) besides
  Desk.tickets.READ.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing, no_content, ok
from sandbox.listing import page
from sandbox.params import FROM, Id, Integer, Text
from sandbox.records.catalogue import collection
from sandbox.records.history import ticket_history
from sandbox.resources.threads import thread_view
from sandbox.resources.ticket_children import path_ticket
from sandbox.state import Record, public

READ = ("Desk.tickets.READ",)
ACTIVITY_SCOPES = ("Desk.activities.READ", "Desk.tasks.READ", "Desk.calls.READ", "Desk.events.READ")
HISTORY_LIMIT = Integer(minimum=1, maximum=50)


def latest_thread(call: Call) -> Reply:
    ticket = path_ticket(call)
    threads = [t for t in call.org.children("threads", ticket["id"]) if t.get("status") != "DRAFT"]
    if not threads:
        return no_content()
    return ok(thread_view(call.org, max(threads, key=lambda thread: thread["createdTime"])))


def _names_field(event: Record, field_name: str) -> bool:
    return any(item.get("propertyName") == field_name for item in event.get("eventInfo", ()))


def history(call: Call) -> Reply:
    events = ticket_history(call.org, path_ticket(call))
    if "agentId" in call.query:
        events = [e for e in events if e["actor"].get("type") == "Agent" and e["actor"]["id"] == call.query["agentId"]]
    if "fieldName" in call.query:
        events = [e for e in events if e["eventName"] == "TicketUpdated" and _names_field(e, call.query["fieldName"])]
    return listing(page(events, call.query, default_limit=50))


def activities(call: Call) -> Reply:
    ticket = path_ticket(call)
    items = [{**public(task), "activityType": "Tasks"} for task in call.org.children("tasks", ticket["id"])]
    for kind, label in (("calls", "Calls"), ("events", "Events")):
        items += [
            {**public(record), "activityType": label}
            for record in collection(call.org, kind).values()
            if record.get("ticketId") == ticket["id"]
        ]
    items.sort(key=lambda item: item["createdTime"])
    return listing(page(items, call.query))


TICKET = "/tickets/{ticket_id:id}"
ENDPOINTS = [
    Endpoint("GET", f"{TICKET}/latestThread", latest_thread, READ),
    Endpoint(
        "GET",
        f"{TICKET}/History",
        history,
        READ,
        params={"from": FROM, "limit": HISTORY_LIMIT, "agentId": Id(), "fieldName": Text()},
    ),
    Endpoint(
        "GET",
        f"{TICKET}/activities",
        activities,
        ACTIVITY_SCOPES,
        params={"from": FROM, "limit": Integer(minimum=1, maximum=100)},
        required_scopes=READ,
    ),
]
