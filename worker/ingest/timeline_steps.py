"""Keep each ticket's SLA timeline up to date from what a poll observed, with the fewest API calls (pure).

Most changes need no call: one new thread whose arrival moved customerResponseTime is a customer message at that
time; a status change is recorded at modifiedTime. A new thread that did not move customerResponseTime may be an
agent's public reply, a private or failed one, or a forward: only the threads tell (one GET), and a wrong guess
would stop a clock. So the threads are read for that, for several new threads between two polls, for a ticket
first seen with more than one thread, and for a ticket with no timeline yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.engine.sla.timeline import Timeline
from worker.engine.values import parse_time
from worker.ingest.diff import Observation, count_of


@dataclass(frozen=True)
class Step:
    timeline: Timeline | None  # the new timeline, or None when `needs_threads`
    needs_threads: bool = False


def first_sight(ticket: Mapping[str, Any]) -> Step:
    """A ticket the mirror never had: its opening message is its only thread, or the threads must be read."""
    created = parse_time(ticket.get("createdTime"))
    if created is None or count_of(ticket, "threadCount") > 1:  # as threads_needed(None, ...) says
        return Step(None, needs_threads=True)
    messages = (created,) if count_of(ticket, "threadCount") == 1 else ()
    return Step(Timeline(created, messages, (), ((created, ticket.get("status") or "Open"),)))


def advance(
    timeline: Timeline | None, previous: Mapping[str, Any], ticket: Mapping[str, Any], seen: Observation
) -> Step:
    """The timeline after one observed change of a ticket the mirror knew."""
    if timeline is None or threads_needed(previous, ticket, seen):
        return Step(None, needs_threads=True)
    customer_at = parse_time(ticket.get("customerResponseTime"))
    changed_at = parse_time(ticket.get("modifiedTime"))
    if seen.new_threads == 1 and customer_at is not None:  # (one new thread without it returned above)
        timeline = timeline.with_customer_message(customer_at)
    if ticket.get("status") != previous.get("status") and changed_at is not None:
        timeline = timeline.with_status(changed_at, ticket.get("status") or "Open")
    return Step(timeline)


def threads_needed(previous: Mapping[str, Any] | None, ticket: Mapping[str, Any], seen: Observation) -> bool:
    """Whether this change makes a kept timeline read the ticket's threads (the activity keeper asks, to read them
    whole once for both)."""
    if previous is None:
        return parse_time(ticket.get("createdTime")) is None or count_of(ticket, "threadCount") > 1
    customer_moved = ticket.get("customerResponseTime") != previous.get("customerResponseTime")
    customer_at = parse_time(ticket.get("customerResponseTime"))
    return seen.new_threads > 1 or (seen.new_threads == 1 and not (customer_moved and customer_at))


def from_threads(ticket: Mapping[str, Any], threads: Sequence[Mapping[str, Any]], known: Timeline | None) -> Timeline:
    """Rebuilt from the threads, keeping the status history already known (threads do not carry it)."""
    statuses = list(known.statuses) if known is not None else None
    rebuilt = Timeline.from_threads(ticket, threads, statuses)
    if known is not None and ticket.get("status") != known.statuses[-1][1] and ticket.get("modifiedTime"):
        rebuilt = rebuilt.with_status(ticket["modifiedTime"], ticket.get("status") or "Open")
    return rebuilt
