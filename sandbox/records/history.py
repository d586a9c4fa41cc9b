"""A ticket's history (GET /tickets/{id}/History): what happened to it, newest first, in the vendor's event shape
{eventName, eventTime, actor {id, name, type}, source, eventInfo [...], actorInfo [...]}.

Field changes are recorded when they happen (`record_update`, kept in the ticket's internal `_history`); the
rest is read off the records themselves (creation, threads, comments, time entries, tasks, attachments), so the
seed's weeks of history show without being written twice. An eventInfo item is {propertyName, propertyType,
propertyValue, systemProperty}; a changed field's propertyValue is {"previousValue", "updatedValue"}, as the
vendor's documentation shows it (its schema types propertyValue as a string: a contradiction listed in
tests/fixtures/vendor_contradictions.json).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.records.common import full_name
from sandbox.state import Org, Record

HISTORY_KEY = "_history"
# A ticket's channel -> the history's source (the vendor's enum); the others (Phone, Web...) have none.
SOURCES = {"Email": "Email", "Chat": "Chat", "Forums": "Forum", "Twitter": "Twitter", "Facebook": "Facebook"}
CHILD_EVENTS = (  # kind, eventName, the record's time field, property name
    ("comments", "CommentAdded", "commentedTime", "Comment"),
    ("timeEntries", "TimeEntryAdded", "createdTime", "TimeEntry"),
    ("tasks", "TaskAdded", "createdTime", "Task"),
    ("attachments", "AttachmentAdded", "createdTime", "Attachment"),
)


def agent_actor(agent: Record) -> Record:
    return {"id": agent["id"], "name": full_name(agent.get("firstName"), agent.get("lastName")), "type": "Agent"}


def contact_actor(org: Org, contact_id: str | None) -> Record:
    contact = org.contacts.get(contact_id or "", {})
    return {"id": contact_id, "name": full_name(contact.get("firstName"), contact.get("lastName")), "type": "Contact"}


def info(name: str, kind: str, value: Any, system: bool = False) -> Record:
    return {"propertyName": name, "propertyType": kind, "propertyValue": value, "systemProperty": system}


def event(name: str, at: str, actor: Record, items: Iterable[Record] = (), source: str | None = None) -> Record:
    return {
        "eventName": name,
        "eventTime": at,
        "actor": actor,
        "source": source,
        "eventInfo": list(items),
        "actorInfo": [],
    }


def record_update(org: Org, ticket: Record, before: dict[str, Any], actor: Record) -> None:
    """One TicketUpdated event naming each field whose value changed (custom fields one by one)."""
    items = []
    for name, old in before.items():
        if name == "customFields":
            new_fields = ticket.get("customFields") or {}
            items += [
                info(key, "ValueTransition", {"previousValue": old.get(key), "updatedValue": value})
                for key, value in new_fields.items()
                if old.get(key) != value
            ]
        elif ticket.get(name) != old and not name.startswith("_"):
            items.append(info(name, "ValueTransition", {"previousValue": old, "updatedValue": ticket.get(name)}))
    if items:
        ticket.setdefault(HISTORY_KEY, []).append(event("TicketUpdated", org.now_text(), agent_actor(actor), items))


def _thread_event(org: Org, thread: Record) -> Record:
    author = thread.get("author") or {}
    actor = {"id": None, "name": author.get("name"), "type": "Contact" if author.get("type") == "END_USER" else "Agent"}
    if thread.get("direction") == "out" and thread.get("responderId") in org.agents:
        actor = agent_actor(org.agents[thread["responderId"]])
    items = [
        info("Thread", "Entity", thread["id"]),
        info("direction", "Enum", thread.get("direction")),
        info("channel", "Enum", thread.get("channel")),
    ]
    return event("ThreadAdded", thread["createdTime"], actor, items)


def _child_actor(org: Org, record: Record) -> Record:
    agent_id = record.get("commenterId") or record.get("creatorId") or record.get("ownerId")
    agent = org.agents.get(agent_id or "")
    return agent_actor(agent) if agent else {"id": None, "name": None, "type": "System"}


def ticket_history(org: Org, ticket: Record) -> list[Record]:
    """Every event of the ticket, newest first."""
    created = event(
        "TicketCreated",
        ticket["createdTime"],
        contact_actor(org, ticket.get("contactId")),
        [info("subject", "Text", ticket.get("subject"))],
        SOURCES.get(ticket.get("channel") or ""),
    )
    events = [created]
    events += [_thread_event(org, t) for t in org.children("threads", ticket["id"]) if t.get("status") != "DRAFT"]
    for kind, name, time_field, property_name in CHILD_EVENTS:
        for record in org.children(kind, ticket["id"]):
            items = [info(property_name, "Entity", record["id"])]
            events.append(event(name, record[time_field], _child_actor(org, record), items))
    events += list(ticket.get(HISTORY_KEY, ()))
    order = {id(item): index for index, item in enumerate(events)}  # at the same moment, the later step first
    return sorted(events, key=lambda item: (item["eventTime"], order[id(item)]), reverse=True)
