"""Turn a fetched ticket and its mirror snapshot into events (pure: no I/O).

Kinds: `ticket.created` (a ticket the mirror has never seen, created inside the poll window), `ticket.replied`
(a new incoming thread: threadCount grew and customerResponseTime moved), `ticket.agent_replied` (a new outgoing
thread: threadCount grew and the ticket's lastThread, where the answer has it, is outgoing, or several threads
came and customerResponseTime did not move; without lastThread, customerResponseTime did not move),
`ticket.reopened` (the status category went from closed to open), `ticket.commented` (commentCount grew),
`ticket.updated` (any other field changed). One observation can yield several kinds; each is its own event with
the same `changes`. Counts and modifiedTime are bookkeeping, not changes a rule tests. Deciding the kinds costs
no API call (the search's items carry lastThread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker.engine.values import is_closed
from worker.store.closed import COMPACT_FIELDS, COMPACT_MARK

VOLATILE_FIELDS = frozenset(
    {
        "modifiedTime",
        "modifiedBy",
        "threadCount",
        "commentCount",
        "attachmentCount",
        "timeEntryCount",
        "taskCount",
        "approvalCount",
        "lastThread",
        "isOverDue",
        "customerResponseTime",
    }
)
Changes = dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Observation:
    """What one poll learned of one ticket."""

    kinds: tuple[str, ...]
    changes: Changes = field(default_factory=dict)
    new_threads: int = 0
    new_comments: int = 0


def count_of(ticket: Mapping[str, Any] | None, name: str) -> int:
    """A count field as a number (the Desk sends counts as strings; missing or odd ones count 0)."""
    value: Any = (ticket or {}).get(name)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def compact(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot of a closed ticket kept outside the mirror (COMPACT_FIELDS only, marked as such)."""
    kept = {name: ticket[name] for name in COMPACT_FIELDS if name in ticket}
    if isinstance(kept.get("customFields"), dict):  # an empty custom field diffs as a missing one: not kept
        kept["customFields"] = {name: value for name, value in kept["customFields"].items() if value is not None}
    kept[COMPACT_MARK] = True
    return kept


def field_changes(previous: dict[str, Any], current: dict[str, Any]) -> Changes:
    """Top-level fields and each custom field (as customFields.<name>) whose value differs; against a compact
    snapshot, only the fields it kept. A field (or an embedded card's key) that only one of the two has is a
    difference of shape, not a change: a search item, a ticket read and a list item show different field sets,
    and the Desk shows every field it has, null ones included."""
    partial = bool(previous.get(COMPACT_MARK))
    names = previous.keys() - {COMPACT_MARK} if partial else previous.keys() & current.keys()
    changes: Changes = {}
    for name in names:
        if name in VOLATILE_FIELDS or name == "customFields":
            continue
        old, new = previous.get(name), current.get(name)
        if not _same(old, new):
            changes[name] = (old, new)
    if partial and "customFields" not in previous:
        return changes
    old_custom = previous.get("customFields") or {}
    new_custom = current.get("customFields") or {}
    for name in old_custom.keys() | new_custom.keys():
        if old_custom.get(name) != new_custom.get(name):
            changes[f"customFields.{name}"] = (old_custom.get(name), new_custom.get(name))
    return changes


def _same(old: Any, new: Any) -> bool:
    """Equal values; two cards (dicts) are equal when the keys both have hold equal values."""
    if isinstance(old, dict) and isinstance(new, dict):
        return all(_same(old[key], new[key]) for key in old.keys() & new.keys())
    return bool(old == new)


def observe(
    previous: dict[str, Any] | None, current: dict[str, Any], window_start: datetime, created_at: datetime | None
) -> Observation:
    """Classify the change from `previous` (None: never seen) to `current`."""
    if previous is None:
        if created_at is not None and created_at >= window_start:
            return Observation(kinds=("ticket.created",))
        return Observation(kinds=("ticket.updated",))
    changes = field_changes(previous, current)
    new_threads = max(0, count_of(current, "threadCount") - count_of(previous, "threadCount"))
    new_comments = max(0, count_of(current, "commentCount") - count_of(previous, "commentCount"))
    kinds = []
    customer_moved = current.get("customerResponseTime") != previous.get("customerResponseTime")
    if new_threads and customer_moved:
        kinds.append("ticket.replied")
    if new_threads and _agent_replied(current, customer_moved, new_threads):
        kinds.append("ticket.agent_replied")
    if is_closed(previous) and not is_closed(current):
        kinds.append("ticket.reopened")
    if new_comments:
        kinds.append("ticket.commented")
    if changes:
        kinds.append("ticket.updated")
    return Observation(kinds=tuple(kinds), changes=changes, new_threads=new_threads, new_comments=new_comments)


def _agent_replied(current: Mapping[str, Any], customer_moved: bool, new_threads: int) -> bool:
    """Whether the new threads include an agent's: the newest is outgoing (lastThread), or, where the answer does
    not show lastThread, customerResponseTime did not move (a customer message always moves it)."""
    last = current.get("lastThread")
    direction = str(last.get("direction") or "").lower() if isinstance(last, Mapping) else ""
    if direction:
        return direction == "out" or (new_threads > 1 and not customer_moved)
    return not customer_moved
