"""A webhook delivery's body, read into what ingest needs (pure: no I/O).

The body is a JSON array of `{eventType, orgId, eventTime, payload, prevState?}`. A ticket event's payload is the
ticket as GET /tickets/{id} answers (no embeds); a thread or comment event's payload is that record, with its
`ticketId`. The mirror holds tickets as the poll's search shows them (a field subset plus the contact, department
and assignee cards rules read), so a delivered ticket is fitted to that shape before it is diffed: the snapshot's
own keys when there is one (a key the payload lacks keeps its value), else the search item's fields. Without the
fit every later poll would see the keys one shape has and the other lacks as changes.

A delivered ticket can be used as it is only when the fit loses nothing rules read: the snapshot exists, every
card's id is unchanged (the payload carries ids, not cards) and no thread or comment arrived (those need the
Desk read: the loop guard, the SLA timeline). Otherwise the delivery is a hint: the ticket is fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from worker.ingest.diff import count_of
from worker.store.closed import COMPACT_MARK

TICKET_EVENTS = frozenset({"Ticket_Add", "Ticket_Update"})
RECORD_EVENTS = frozenset({"Ticket_Thread_Add", "Ticket_Comment_Add", "Ticket_Comment_Update"})
# What /tickets/search shows of a ticket (the mirror's shape), for a ticket the mirror has no snapshot of.
SEARCH_ITEM_FIELDS = (
    "id",
    "ticketNumber",
    "modifiedTime",
    "subCategory",
    "subject",
    "customFields",
    "dueDate",
    "departmentId",
    "channel",
    "description",
    "resolution",
    "closedTime",
    "createdTime",
    "email",
    "customerResponseTime",
    "productId",
    "contactId",
    "threadCount",
    "priority",
    "classification",
    "assigneeId",
    "commentCount",
    "phone",
    "category",
    "status",
    "contact",
    "accountId",
    "lastThread",
    "isOverDue",
    "responseDueDate",
    "modifiedBy",
    "department",
    "assignee",
    # the vendor's search item (Search.json searchTicketsResponse) has these too; a ticket read shows them as well
    *("cf", "createdBy", "entitySkills", "isArchived", "isEscalated", "isSpam", "language", "layoutId"),
    *("onholdTime", "product", "secondaryContacts", "sharedDepartments", "slaId", "statusType", "teamId", "webUrl"),
)
# The cards a search item embeds, by the id field they describe, and the keys each card has there (a ticket read
# with include=contacts,assignee,departments embeds them with other keys: assignee `email` for `emailId`, contact
# `phone` and `type`, and no `accountId`).
CARDS = {"contactId": "contact", "departmentId": "department", "assigneeId": "assignee"}
CARD_KEYS = {
    "contact": ("firstName", "lastName", "accountId", "id", "email", "account", "mobile", "phone", "type"),
    "assignee": ("firstName", "lastName", "photoURL", "emailId", "id", "zuid"),
    "department": ("name", "id"),
}
ACCOUNT_KEYS = ("accountName", "id", "website")
COUNTS = ("threadCount", "commentCount")


class BadDelivery(ValueError):
    """The body is not a delivery (answered 400)."""


@dataclass(frozen=True)
class Delivery:
    event_type: str
    org_id: str
    payload: dict[str, Any]
    event_time_ms: int | None = None

    @property
    def ticket_id(self) -> str | None:
        key = "id" if self.event_type in TICKET_EVENTS else "ticketId"
        value = self.payload.get(key)
        return str(value) if value not in (None, "") else None

    @property
    def seen_time(self) -> str | None:
        """The change's time as an ISO string: a mirror snapshot at or past it already holds the change."""
        for key in ("modifiedTime", "createdTime", "commentedTime"):
            value = self.payload.get(key)
            if isinstance(value, str) and value:
                return value
        if self.event_time_ms is None:
            return None
        moment = datetime.fromtimestamp(self.event_time_ms / 1000, tz=timezone.utc)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_body(raw: bytes) -> list[Delivery]:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadDelivery("the body is not JSON") from None
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list) or not body:
        raise BadDelivery("the body is not a non-empty JSON array of events")
    return [_event(item, index) for index, item in enumerate(body)]


def _event(item: Any, index: int) -> Delivery:
    if not isinstance(item, dict):
        raise BadDelivery(f"event {index} is not an object")
    event_type, org_id, payload = item.get("eventType"), item.get("orgId"), item.get("payload")
    if not isinstance(event_type, str) or not event_type:
        raise BadDelivery(f"event {index} has no eventType")
    if not isinstance(org_id, str | int) or str(org_id) == "":
        raise BadDelivery(f"event {index} has no orgId")
    if not isinstance(payload, dict):
        raise BadDelivery(f"event {index} has no payload object")
    try:
        event_time = int(item["eventTime"]) if item.get("eventTime") not in (None, "") else None
    except (TypeError, ValueError):
        raise BadDelivery(f"event {index}'s eventTime is not epoch milliseconds") from None
    delivery = Delivery(event_type, str(org_id), payload, event_time)
    if (event_type in TICKET_EVENTS or event_type in RECORD_EVENTS) and delivery.ticket_id is None:
        raise BadDelivery(f"event {index} ({event_type}) names no ticket")
    if event_type in TICKET_EVENTS and not isinstance(payload.get("modifiedTime"), str):
        raise BadDelivery(f"event {index} ({event_type}) has a ticket without modifiedTime")
    return delivery


def usable_as_is(ticket: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    """True when the delivered ticket, fitted to the snapshot, is all rules and the timelines need."""
    if previous is None or previous.get(COMPACT_MARK):
        return False
    if any(count_of(ticket, name) != count_of(previous, name) for name in COUNTS):
        return False
    return all(
        ticket.get(id_field) == previous.get(id_field) or card not in previous for id_field, card in CARDS.items()
    )


def as_snapshot(ticket: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """`ticket` in the mirror's shape: the keys of `previous` (a full snapshot), else the search item's fields.
    A card of the same id stays as the snapshot had it; another card, or one for a new snapshot, takes the search's
    keys; custom fields keep the snapshot's names."""
    if previous is None or previous.get(COMPACT_MARK):
        return {name: _fit(name, ticket[name], None) for name in SEARCH_ITEM_FIELDS if name in ticket}
    return {name: _fit(name, ticket[name], old) if name in ticket else old for name, old in previous.items()}


def _fit(name: str, new: Any, old: Any) -> Any:
    if name in CARD_KEYS:
        same = isinstance(new, dict) and isinstance(old, dict) and new.get("id") == old.get("id")
        return old if same else search_card(name, new)
    if isinstance(new, dict) and isinstance(old, dict) and old:
        return {key: new.get(key) for key in old}
    return new


def search_card(name: str, card: Any) -> Any:
    """An embedded card (contact, assignee, department) with the keys a search item's has."""
    if not isinstance(card, dict):
        return card
    source = dict(card)
    if name == "assignee" and "emailId" not in source:
        source["emailId"] = card.get("email")
    account = card.get("account")
    if name == "contact" and isinstance(account, dict):
        source.setdefault("accountId", account.get("id"))
        source["account"] = {key: account.get(key) for key in ACCOUNT_KEYS}
    return {key: source.get(key) for key in CARD_KEYS[name]}
