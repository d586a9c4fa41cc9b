"""The records activity lists embed with `include=` (tasks, calls, events and a ticket's activities), shaped as the
vendor's schemas for those lists give them (Task.json getTasksListResponse, Call.json getCallsListResponse,
Event.json getEventsListResponse, Activity.json getActivitiesByRequestIdResponse); ticket answers embed theirs
through sandbox/embed.py instead, which the seed shapes differently (a contact with its account, no accountId).

    ticket   <- tickets   {ticketNumber, subject, status, channel, phone, dueDate, closedTime, createdTime, teamId,
                           isArchived, isSpam, id, assignee{firstName, lastName, photoURL, id}}
    contact  <- contacts  {firstName, lastName, accountId, email, phone, mobile, isSpam, id}
    assignee <- assignee  {firstName, lastName, photoURL, emailId, id}

A card of an unset or unknown reference is null.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sandbox.records.vendor_fields import ticket_extras
from sandbox.state import Org, Record

TICKET_KEYS = ("ticketNumber", "subject", "status", "channel", "phone", "dueDate", "closedTime", "createdTime")
CONTACT_KEYS = ("firstName", "lastName", "accountId", "email", "phone", "mobile", "id")
AGENT_KEYS = ("firstName", "lastName", "photoURL", "id")


def agent_card(org: Org, agent_id: str | None) -> Record | None:
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    return {**{key: agent.get(key) for key in AGENT_KEYS}, "emailId": agent.get("emailId")}


def contact_card(org: Org, contact_id: str | None) -> Record | None:
    contact = org.contacts.get(contact_id or "")
    if contact is None:
        return None
    return {**{key: contact.get(key) for key in CONTACT_KEYS}, "isSpam": bool(contact.get("isSpam"))}


def ticket_card(org: Org, ticket_id: str | None) -> Record | None:
    ticket = org.tickets.get(ticket_id or "")
    if ticket is None:
        return None
    extras = ticket_extras(org, ticket)
    agent = org.agents.get(ticket.get("assigneeId") or "")
    return {
        **{key: ticket.get(key) for key in TICKET_KEYS},
        "teamId": ticket.get("teamId", extras["teamId"]),
        "isArchived": extras["isArchived"],
        "isSpam": extras["isSpam"],
        "id": ticket["id"],
        "assignee": None if agent is None else {key: agent.get(key) for key in AGENT_KEYS},
    }


# include value -> (key in the answer, the activity's id field, card)
CARDS: dict[str, tuple[str, str, Callable[[Org, Any], Record | None]]] = {
    "contacts": ("contact", "contactId", contact_card),
    "tickets": ("ticket", "ticketId", ticket_card),
    "assignee": ("assignee", "ownerId", agent_card),
}


def with_cards(org: Org, view: Record, include: Collection[str]) -> Record:
    """`view` (a task, call or event as shown) with the cards `include` asks for, by the ids the view shows."""
    for name in include:
        key, id_field, card = CARDS[name]
        view[key] = card(org, view.get(id_field))
    return view
