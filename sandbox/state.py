"""The sandbox's memory: organisations and their records, kept in the Desk's own JSON shapes.

Records are plain dicts with the field names and string ids the API returns; keys starting with "_" are
internal (never serialised). Children of a ticket (threads, comments, attachments, time entries, tasks) are
indexed by ticket so counts and merges stay cheap and always agree with the records.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.clock import Clock, format_time

Record = dict[str, Any]

TICKET_CHILD_KINDS = ("threads", "comments", "attachments", "timeEntries", "tasks")
COUNT_FIELDS = {
    "threads": "threadCount",
    "comments": "commentCount",
    "attachments": "attachmentCount",
    "timeEntries": "timeEntryCount",
    "tasks": "taskCount",
}
CLOSED_STATUSES = frozenset({"Closed"})
ON_HOLD_STATUSES = frozenset({"On Hold"})


TicketObserver = Callable[["Org", Record, Record | None, bool], None]  # (org, ticket, before or None, removed)


def status_type(status: str | None) -> str:
    """statusType as the Desk derives it from the status (custom statuses count as Open)."""
    if status in CLOSED_STATUSES:
        return "Closed"
    if status in ON_HOLD_STATUSES:
        return "On Hold"
    return "Open"


def public(record: Record) -> Record:
    """A shallow copy without internal keys, ready to serialise."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


@dataclass
class Org:
    """One organisation: its profile and every collection, keyed by id in insertion order."""

    id: str
    profile: Record
    clock: Clock
    id_base: int
    edition: str = "Professional"
    portal: str = "zylker"
    tickets: dict[str, Record] = field(default_factory=dict)
    threads: dict[str, Record] = field(default_factory=dict)
    comments: dict[str, Record] = field(default_factory=dict)
    attachments: dict[str, Record] = field(default_factory=dict)  # ticket attachments
    timeEntries: dict[str, Record] = field(default_factory=dict)
    tasks: dict[str, Record] = field(default_factory=dict)
    contacts: dict[str, Record] = field(default_factory=dict)
    accounts: dict[str, Record] = field(default_factory=dict)
    agents: dict[str, Record] = field(default_factory=dict)
    departments: dict[str, Record] = field(default_factory=dict)
    products: dict[str, Record] = field(default_factory=dict)
    contracts: dict[str, Record] = field(default_factory=dict)
    uploads: dict[str, Record] = field(default_factory=dict)
    mail_reply_addresses: dict[str, Record] = field(default_factory=dict)
    contact_attachments: dict[str, Record] = field(default_factory=dict)
    account_attachments: dict[str, Record] = field(default_factory=dict)
    task_attachments: dict[str, Record] = field(default_factory=dict)
    # fidelity v2's collections by name (roles, profiles, calls, events, articles...: records/catalogue.py)
    catalogue: dict[str, dict[str, Record]] = field(default_factory=dict)
    search_lag: timedelta = timedelta()
    observer: TicketObserver | None = None  # told of every ticket write (the webhooks set it: sandbox.webhooks)
    _children: dict[str, dict[str, dict[str, None]]] = field(default_factory=dict)
    _index: dict[str, list[tuple[datetime, Record]]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _ticket_numbers: itertools.count = field(default_factory=lambda: itertools.count(101))

    def __post_init__(self) -> None:
        self._children = {kind: {} for kind in TICKET_CHILD_KINDS}

    # ids and time -------------------------------------------------------------------------------
    def new_id(self) -> str:
        """Ids look like the Desk's: a long per-org prefix plus a sequence, as a string."""
        return str(self.id_base + next(self._ids) * 7)

    def next_ticket_number(self) -> str:
        return str(next(self._ticket_numbers))

    def now(self) -> datetime:
        return self.clock.now()

    def now_text(self) -> str:
        return format_time(self.clock.now())

    def web_url(self, kind: str, record_id: str) -> str:
        return f"https://desk.zoho.com/support/{self.portal}/ShowHomePage.do#{kind}/dv/{record_id}"

    # tickets and their children ---------------------------------------------------------------
    def add_ticket(self, ticket: Record) -> Record:
        self.tickets[ticket["id"]] = ticket
        for kind in TICKET_CHILD_KINDS:
            self._children[kind].setdefault(ticket["id"], {})
        self.refresh_counts(ticket)
        self.reindex(ticket)
        return ticket

    def children(self, kind: str, ticket_id: str) -> list[Record]:
        """The ticket's children of one kind, oldest first."""
        store: dict[str, Record] = getattr(self, kind)
        return [store[child_id] for child_id in self._children[kind].get(ticket_id, {}) if child_id in store]

    def add_child(self, kind: str, ticket_id: str, record: Record) -> Record:
        getattr(self, kind)[record["id"]] = record
        record["_ticketId"] = ticket_id
        self._children[kind].setdefault(ticket_id, {})[record["id"]] = None
        if ticket_id in self.tickets:
            self.refresh_counts(self.tickets[ticket_id])
        return record

    def remove_child(self, kind: str, record_id: str) -> Record | None:
        record = getattr(self, kind).pop(record_id, None)
        if record is None:
            return None
        ticket_id = record.get("_ticketId")
        self._children[kind].get(ticket_id, {}).pop(record_id, None)
        if ticket_id in self.tickets:
            self.refresh_counts(self.tickets[ticket_id])
        return record

    def move_children(self, kind: str, from_ticket: str, to_ticket: str) -> None:
        """Re-parent every child of one kind (merge folds the others into the target)."""
        moved = self._children[kind].pop(from_ticket, {})
        target = self._children[kind].setdefault(to_ticket, {})
        store: dict[str, Record] = getattr(self, kind)
        for child_id in moved:
            target[child_id] = None
            if child_id in store:
                store[child_id]["_ticketId"] = to_ticket
                if "ticketId" in store[child_id]:
                    store[child_id]["ticketId"] = to_ticket
        for ticket_id in (from_ticket, to_ticket):
            if ticket_id in self.tickets:
                self.refresh_counts(self.tickets[ticket_id])

    def refresh_counts(self, ticket: Record) -> None:
        """Drafts are not part of the conversation yet: threadCount leaves them out."""
        for kind, count_field in COUNT_FIELDS.items():
            children = self._children[kind].get(ticket["id"], {})
            if kind == "threads":
                children = {child: None for child in children if self.threads.get(child, {}).get("status") != "DRAFT"}
            ticket[count_field] = str(len(children))

    def remove_ticket(self, ticket_id: str) -> Record | None:
        ticket = self.tickets.pop(ticket_id, None)
        versions = self._index.pop(ticket_id, None)
        if ticket is not None and self.observer is not None:
            self.observer(self, ticket, versions[-1][1] if versions else None, True)
        return ticket

    def set_status(self, ticket: Record, status: str) -> None:
        """Status drives statusType and closedTime, as the Desk derives them."""
        was_closed = ticket.get("statusType") == "Closed"
        ticket["status"] = status
        ticket["statusType"] = status_type(status)
        if ticket["statusType"] == "Closed" and not was_closed:
            ticket["closedTime"] = self.now_text()
        elif ticket["statusType"] != "Closed":
            ticket["closedTime"] = None

    def touch(self, ticket: Record) -> None:
        """Every change to a ticket or its children moves modifiedTime and is indexed for search."""
        ticket["modifiedTime"] = self.now_text()
        self.reindex(ticket)

    # search index (lags writes by `search_lag`, like the real one) ------------------------------
    def reindex(self, ticket: Record) -> None:
        """Every ticket write passes here (add_ticket, touch): the observer hears of it with the version before."""
        visible_at = self.now() + self.search_lag
        versions = self._index.setdefault(ticket["id"], [])
        if self.observer is not None:
            self.observer(self, ticket, versions[-1][1] if versions else None, False)
        versions.append((visible_at, copy.deepcopy(public(ticket))))
        now = self.now()
        visible = [index for index, (at, _) in enumerate(versions) if at <= now]
        if visible:  # keep the newest version search already sees, and every one still waiting
            del versions[: visible[-1]]

    def indexed_tickets(self) -> list[Record]:
        """What search sees now: for each ticket, its newest version whose indexing delay has passed."""
        now = self.now()
        seen = []
        for versions in self._index.values():
            for visible_at, snapshot in reversed(versions):
                if visible_at <= now:
                    seen.append(snapshot)
                    break
        return seen


@dataclass
class Desk:
    """Every organisation the sandbox serves, and the clock they share."""

    clock: Clock = field(default_factory=Clock)
    orgs: dict[str, Org] = field(default_factory=dict)

    def org(self, org_id: str) -> Org | None:
        return self.orgs.get(org_id)
