"""What a ticket went through: GET /tickets/{id}/latestThread, /tickets/{id}/History, and an e-mail thread's
original message, GET /tickets/{id}/threads/{id}/originalContent (its activities: ticket_activities.py).

From the vendor's spec: latestThread answers the ticket's newest thread as GET .../threads/{id} shows it (with
content); History answers {"data": [event...]} (records/history.py), newest first; all need Desk.tickets.READ.

Choices where the spec is silent:
- latestThread leaves drafts out (they are not part of the conversation); a ticket without a thread answers 204.
- History pages with from (0-based) and limit 1..50 (default 50), and filters by `agentId` (the actor) and
  `fieldName` (TicketUpdated events naming that field); nothing to show answers 204.
- originalContent (Thread.json: date, returnPath, subject, messageId, from, to, content; Desk.tickets.READ) is
  served for EMAIL threads, which link it as fullContentURL; another channel's thread is 422. The message id and
  the date (RFC 2822) are made from the thread's id and time.
"""

from __future__ import annotations

from email.utils import format_datetime

from sandbox.api import Call, Endpoint, Reply, listing, no_content, ok
from sandbox.clock import parse_time
from sandbox.errors import unprocessable
from sandbox.listing import page
from sandbox.params import FROM, Id, Integer, Text
from sandbox.records.history import ticket_history
from sandbox.resources.threads import thread_view
from sandbox.resources.ticket_children import path_child, path_ticket
from sandbox.state import Record

READ = ("Desk.tickets.READ",)
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
]
