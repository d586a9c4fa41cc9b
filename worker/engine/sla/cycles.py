"""When a metric's clock starts and stops: its latest cycle.

A clock runs in cycles. Start events begin a cycle when none is running (a start while one runs is ignored: a
second customer message does not restart the wait for an answer); the first stop event after it ends the cycle.
At the same instant starts come before stops, so a ticket an agent opens with a reply has its first response met
at once. The clock shown is the latest cycle. Events after `now` are ignored. Start events:

    created            the ticket's creation
    reopened           each change from a closed status (closed_statuses) to another
    customer_message   each customer message (incoming thread)
    customer_reply     each customer message after the first agent response (next response)
    {field: PATH}      the time in a ticket field (its current value: one start)

Stop events: `agent_response` (each public agent reply), `closed` (each change to a closed status), and
conditions in the rule language, checked on the ticket as it is now: when one holds, the running cycle stops at
the ticket's modifiedTime (the latest moment the condition can have become true; clamped to the cycle).

Presets (policy.py): first_response = created -> [agent_response, closed] (one cycle: it never restarts; closing
an unanswered ticket stops it); next_response = customer_reply -> [agent_response, closed] (a cycle per customer
message after an agent response); resolution = [created, reopened] -> closed (re-armed by a reopen).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection
from datetime import datetime

from worker.engine.sla.facts import Facts
from worker.engine.sla.policy import CompiledMetric
from worker.engine.values import parse_time

# (start, stop, stopped_by, number of cycles so far) of a metric's latest cycle.
Cycle = tuple[datetime | None, datetime | None, str | None, int]
NO_CYCLE: Cycle = (None, None, None, 0)
# An event: (at, 0 for a start / 1 for a stop, kind); sorting puts starts before stops at the same instant.
Event = tuple[datetime, int, str]
_CREATED_ONLY = frozenset({"created"})


def latest_cycle(metric: CompiledMetric, facts: Facts) -> Cycle:
    """The metric's latest cycle, stopped by a stop condition that holds now if no event stopped it."""
    if metric.start_kinds == _CREATED_ONLY and not metric.start_fields:
        start, stop, by, cycles = _first_cycle(metric.stop_kinds, facts)
    else:
        start, stop, by, cycles = _replay(metric, facts)
    if start is None:
        return NO_CYCLE
    if stop is None and any(condition.check(facts.ctx) is None for condition in metric.stop_conditions):
        modified = parse_time(facts.ticket.get("modifiedTime")) or facts.now
        stop, by = min(max(modified, start), facts.now), "condition"
    return start, stop, by, cycles


def _first_cycle(stops: Collection[str], facts: Facts) -> Cycle:
    """first_response: one cycle from the ticket's creation; the first stop ends it."""
    created = facts.timeline.created
    if created > facts.now:
        return NO_CYCLE
    stop, by = None, None
    if "agent_response" in stops:
        index = bisect_left(facts.agent, created)
        if index < len(facts.agent):
            stop, by = facts.agent[index], "agent_response"
    if "closed" in stops:
        close = next((at for at in facts.closes if at >= created), None)
        if close is not None and (stop is None or close < stop):
            stop, by = close, "closed"
    return created, stop, by, 1


def _replay(metric: CompiledMetric, facts: Facts) -> Cycle:
    """Every start and stop event in time order; the last cycle they make."""
    events = _start_events(metric, facts)
    if not events:
        return NO_CYCLE
    if "agent_response" in metric.stop_kinds:
        events.extend((at, 1, "agent_response") for at in facts.agent)
    if "closed" in metric.stop_kinds:
        events.extend((at, 1, "closed") for at in facts.closes)
    events.sort()
    start = stop = by = None
    cycles = 0
    for at, is_stop, kind in events:
        if not is_stop:
            if start is None or stop is not None:
                start, stop, by, cycles = at, None, None, cycles + 1
        elif start is not None and stop is None:
            stop, by = at, kind
    return start, stop, by, cycles


def _start_events(metric: CompiledMetric, facts: Facts) -> list[Event]:
    kinds, created = metric.start_kinds, facts.timeline.created
    events: list[Event] = []
    if "created" in kinds and created <= facts.now:
        events.append((created, 0, "created"))
    if "reopened" in kinds:
        events.extend((at, 0, "reopened") for at in facts.reopens)
    if "customer_message" in kinds:
        events.extend((at, 0, "customer_message") for at in facts.customer)
    elif "customer_reply" in kinds and facts.agent:
        first = facts.agent[0]
        events.extend((at, 0, "customer_reply") for at in facts.customer if at > first)
    for _, getter in metric.start_fields:
        at = parse_time(getter(facts.ticket))
        if at is not None and at <= facts.now:
            events.append((at, 0, "field"))
    return events
