"""What a ticket went through: GET /tickets/{id}/latestThread, /tickets/{id}/History, /tickets/{id}/activities, and
an e-mail thread's original message, GET /tickets/{id}/threads/{id}/originalContent.

From the vendor's spec: latestThread answers the ticket's newest thread as GET .../threads/{id} shows it (with
content); History answers {"data": [event...]} (records/history.py), newest first; all need Desk.tickets.READ.

Choices where the spec is silent:
- latestThread leaves drafts out (they are not part of the conversation); a ticket without a thread answers 204.
- History pages with from (0-based) and limit 1..50 (default 50), and filters by `agentId` (the actor) and
  `fieldName` (TicketUpdated events naming that field); nothing to show answers 204.
- originalContent (Thread.json: date, returnPath, subject, messageId, from, to, content; Desk.tickets.READ) is
  served for EMAIL threads, which link it as fullContentURL; another channel's thread is 422. The message id and
  the date (RFC 2822) are made from the thread's id and time.
- activities (the vendor's Activity.json) lists the ticket's tasks, calls and events, each as its own record plus
  `activityType` ("Tasks", "Calls", "Events"), oldest first unless `sortBy` (activityTime, createdTime; `-`
  descending); paged with from/limit 1..100; `isCompleted` and `isSpam` filter (nothing is spam here);
  `include=contacts,tickets,assignee` embeds; none answers 204. Any one of the spec's scopes suffices
  (Desk.calls.READ, Desk.tasks.READ, Desk.events.READ or their Desk.activities.* forms). An activity's time is a
  task's due date (else its creation), a call's or event's start.
"""

from __future__ import annotations

from email.utils import format_datetime

from sandbox.api import Call, Endpoint, Reply, listing, no_content, ok
from sandbox.clock import parse_time
from sandbox.errors import unprocessable
from sandbox.listing import page, sort_records
from sandbox.params import FROM, Flag, Id, Integer, Sort, Text
from sandbox.records.catalogue import collection
from sandbox.records.history import ticket_history
from sandbox.resources.calls_events import INCLUDE, activity_view
from sandbox.resources.threads import thread_view
from sandbox.resources.ticket_children import path_child, path_ticket
from sandbox.state import Record, public

READ = ("Desk.tickets.READ",)
ACTIVITY_SCOPES = (
    "Desk.calls.READ",
    "Desk.tasks.READ",
    "Desk.events.READ",
    "Desk.activities.calls.READ",
    "Desk.activities.tasks.READ",
    "Desk.activities.events.READ",
)
HISTORY_LIMIT = Integer(minimum=1, maximum=50)


def latest_thread(call: Call) -> Reply:
    ticket = path_ticket(call)
    threads = [t for t in call.org.children("threads", ticket["id"]) if t.get("status") != "DRAFT"]
    if not threads:
        return no_content()
    return ok(thread_view(call.org, max(threads, key=lambda thread: thread["createdTime"])))


def original_content(call: Call) -> Reply:
    ticket, thread = path_child(call, "threads", "thread_id")
    if thread.get("channel") != "EMAIL":
        raise unprocessable("Only an e-mail thread has an original message.")
    sender = thread.get("fromEmailAddress") or ""
    return ok(
        {
            "date": format_datetime(parse_time(thread["createdTime"])),
            "returnPath": f"<{sender}>",
            "subject": ticket.get("subject"),
            "messageId": f"<{thread['id']}.{ticket['id']}@{call.org.portal}.zohodesk.com>",
            "from": sender,
            "to": thread.get("to"),
            "content": thread.get("content"),
        }
    )


def _names_field(event: Record, field_name: str) -> bool:
    return any(item.get("propertyName") == field_name for item in event.get("eventInfo", ()))


def history(call: Call) -> Reply:
    events = ticket_history(call.org, path_ticket(call))
    if "agentId" in call.query:
        events = [e for e in events if e["actor"].get("type") == "Agent" and e["actor"]["id"] == call.query["agentId"]]
    if "fieldName" in call.query:
        events = [e for e in events if e["eventName"] == "TicketUpdated" and _names_field(e, call.query["fieldName"])]
    return listing(page(events, call.query, default_limit=50))


def _activity_time(item: Record) -> str:
    if item["activityType"] == "Tasks":
        return str(item.get("dueDate") or item["createdTime"])
    return str(item.get("startTime") or item["createdTime"])


def activities(call: Call) -> Reply:
    org, query, ticket = call.org, call.query, path_ticket(call)
    items = [{**public(task), "activityType": "Tasks"} for task in org.children("tasks", ticket["id"])]
    for kind, label in (("calls", "Calls"), ("events", "Events")):
        items += [
            {**public(record), "activityType": label}
            for record in collection(org, kind).values()
            if record.get("ticketId") == ticket["id"]
        ]
    if "isCompleted" in query:
        items = [item for item in items if (item.get("status") == "Completed") == query["isCompleted"]]
    if query.get("isSpam"):
        items = []
    items.sort(key=lambda item: item["createdTime"])
    if "sortBy" in query:
        name, descending = query["sortBy"]
        read = (lambda item, _: _activity_time(item)) if name == "activityTime" else None
        items = sort_records(items, name, descending, read)
    embeds = query.get("include", ())
    return listing([activity_view(org, item, embeds) for item in page(items, query)])


TICKET = "/tickets/{ticket_id:id}"
ENDPOINTS = [
    Endpoint("GET", f"{TICKET}/latestThread", latest_thread, READ),
    Endpoint("GET", f"{TICKET}/threads/{{thread_id:id}}/originalContent", original_content, READ),
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
