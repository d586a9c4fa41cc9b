"""The sandbox's ticket writes, heard through `Org.observer`, turned into webhook events.

Only orgs with webhooks are watched (`watch` installs the observer and takes the org's marks), so a sandbox
without webhooks does no work per write. Payloads are rendered at the change, as the GET endpoints answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import orjson
import structlog

from sandbox.embed import ticket_full_view
from sandbox.state import Org, Record
from sandbox.webhooks.changes import Event, Marks, changed_fields
from sandbox.webhooks.origin import current_source_id

log = structlog.get_logger(__name__)


def snapshot(record: Record) -> Record:
    """A deep copy (the delivery is sent later, and the live record may change meanwhile)."""
    copied: Record = orjson.loads(orjson.dumps(record))
    return copied


def ticket_payload(org: Org, ticket: Record) -> Record:
    """The ticket as GET /tickets/{id} answers it (no include), a copy taken now."""
    return snapshot(ticket_full_view(org, ticket))


def thread_payload(org: Org, thread: Record) -> Record:
    # imported here: sandbox.resources import sandbox.api, which imports the runtime that holds the webhooks
    from sandbox.resources.threads import thread_view

    return snapshot({**thread_view(org, thread), "ticketId": thread["_ticketId"]})


def comment_payload(org: Org, comment: Record) -> Record:
    from sandbox.resources.comments import comment_view  # see thread_payload

    return snapshot({**comment_view(org, comment, []), "ticketId": comment["_ticketId"]})


class ChangeObserver:
    """Called by an org for every ticket write: (org, ticket now, its version before or None, removed)."""

    def __init__(self, emit: Callable[[Event], None]) -> None:
        self.emit = emit
        self.marks: dict[str, Marks] = {}

    def watch(self, org: Org) -> None:
        if org.id not in self.marks:
            self.marks[org.id] = Marks.of(org.threads.values(), org.comments.values())
        org.observer = self

    def unwatch(self, org: Org) -> None:
        self.marks.pop(org.id, None)
        org.observer = None

    def __call__(self, org: Org, ticket: Record, previous: Record | None, removed: bool = False) -> None:
        """A failure here is logged and goes no further: webhooks must never break the write that called."""
        marks = self.marks.get(org.id)
        if marks is None:
            return
        try:
            self._observe(marks, org, ticket, previous, removed)
        except Exception:
            log.exception("webhooks.observe_failed", org_id=org.id, ticket_id=ticket.get("id"))

    def _observe(self, marks: Marks, org: Org, ticket: Record, previous: Record | None, removed: bool) -> None:
        at_ms = int(org.now().timestamp() * 1000)
        base = Event("", org.id, ticket["id"], ticket.get("departmentId"), at_ms, {}, source_id=current_source_id())
        threads, comments = org.children("threads", ticket["id"]), org.children("comments", ticket["id"])
        if removed:
            self.emit(replace(base, event_type="Ticket_Delete", payload=ticket_payload(org, ticket)))
            return
        if previous is None:
            marks.note(threads, comments)
            self.emit(replace(base, event_type="Ticket_Add", payload=ticket_payload(org, ticket)))
            return
        for thread in marks.new_threads(threads):
            payload = thread_payload(org, thread)
            self.emit(replace(base, event_type="Ticket_Thread_Add", payload=payload, direction=thread.get("direction")))
        for event_type, comment in marks.comment_changes(comments):
            self.emit(replace(base, event_type=event_type, payload=comment_payload(org, comment)))
        changed = changed_fields(previous, ticket)
        if changed:
            update = replace(
                base, event_type="Ticket_Update", payload=ticket_payload(org, ticket), changed_fields=changed
            )
            self.emit(replace(update, prev_state=ticket_payload(org, previous)))
