"""From a ticket's change to the webhook events it makes (pure: records in, events out).

The sandbox tells the webhooks of every ticket write with the ticket's version before it (`Org.observer`); the
threads and comments a write added or edited are found by what each org's `Marks` already knew, so a write path
needs no hook of its own. Marks are taken when an org gets its first webhook: older records are history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sandbox.records.custom_fields import custom_api_name
from sandbox.state import COUNT_FIELDS, Record

UNTRACKED_FIELDS = frozenset({"modifiedTime", *COUNT_FIELDS.values()})  # a write's side effects, not a change
DRAFT = "DRAFT"


@dataclass(frozen=True)
class Event:
    """One webhook event of one org, with what the filters look at."""

    event_type: str
    org_id: str
    ticket_id: str
    department_id: str | None
    event_time_ms: int
    payload: Record
    prev_state: Record | None = None
    changed_fields: frozenset[str] = frozenset()
    direction: str | None = None
    source_id: str | None = None  # the `sourceId` header of the API request that made the change

    def body(self, with_prev_state: bool) -> dict[str, Any]:
        """The event as a delivery's array carries it."""
        item: dict[str, Any] = {
            "eventType": self.event_type,
            "orgId": self.org_id,
            "eventTime": str(self.event_time_ms),
            "payload": self.payload,
        }
        if with_prev_state and self.prev_state is not None:
            item["prevState"] = self.prev_state
        return item


@dataclass
class Marks:
    """What one org's webhooks already told of: non-draft thread ids, and each comment's modifiedTime."""

    threads: set[str] = field(default_factory=set)
    comments: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, threads: Iterable[Record], comments: Iterable[Record]) -> Marks:
        marks = cls()
        marks.note(threads, comments)
        return marks

    def note(self, threads: Iterable[Record], comments: Iterable[Record]) -> None:
        self.threads.update(thread["id"] for thread in threads if thread.get("status") != DRAFT)
        self.comments.update((comment["id"], comment.get("modifiedTime")) for comment in comments)

    def new_threads(self, threads: Iterable[Record]) -> list[Record]:
        """Threads not told of yet (drafts wait until they are sent); they count as told from now on."""
        fresh = [thread for thread in threads if thread.get("status") != DRAFT and thread["id"] not in self.threads]
        self.threads.update(thread["id"] for thread in fresh)
        return fresh

    def comment_changes(self, comments: Iterable[Record]) -> list[tuple[str, Record]]:
        """("Ticket_Comment_Add" | "Ticket_Comment_Update", comment) for each comment added or edited."""
        found = []
        for comment in comments:
            known, version = comment["id"] in self.comments, comment.get("modifiedTime")
            if not known or self.comments[comment["id"]] != version:
                found.append(("Ticket_Comment_Update" if known else "Ticket_Comment_Add", comment))
                self.comments[comment["id"]] = version
        return found


def changed_fields(before: Record, after: Record) -> frozenset[str]:
    """The ticket fields that differ; a custom field that differs is named by its label and its api name too (and
    `cf`, the view by api names)."""
    changed = {
        name
        for name in before.keys() | after.keys()
        if name not in UNTRACKED_FIELDS and not name.startswith("_") and before.get(name) != after.get(name)
    }
    if "customFields" in changed:
        old, new = before.get("customFields") or {}, after.get("customFields") or {}
        labels = {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}
        changed.update({"cf", *labels, *(custom_api_name(label) for label in labels)})
    return frozenset(changed)
