"""The SLA state rules read: `sla.policy` and, per metric of the governing policy, `sla.METRIC.KEY`.

Keys (clocks.py has the semantics): state (running | paused | stopped | not_started), remaining and elapsed
(business time, durations compared with `lt: 30m`; remaining is negative once breached, and only a live clock -
running or paused - has one: a met or not yet started clock has nothing left to race, so `remaining lt 30m` does
not hold for it), target, breached (true/false), due_at and started_at (ISO UTC), level (the highest escalation level
whose threshold the clock's elapsed time reached in this cycle, 0 before the first; whether it was acted on is
the SLA sweep's business), cycles. A metric with no target for the ticket's priority is absent, and so is every
metric when no policy governs (`sla.policy` is then null). Pure: the caller passes the ticket's timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from worker.engine.sla.clocks import PAUSED, RUNNING, MetricClock, as_utc, metric_clocks
from worker.engine.sla.governing import context, governing_policy
from worker.engine.sla.timeline import Timeline, iso

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

ZERO = timedelta()
LIVE = (RUNNING, PAUSED)


def sla_fields(rules: RuleSet, ticket: Mapping[str, Any], timeline: Timeline, now: datetime) -> dict[str, Any]:
    """The `sla` mapping of a ticket at `now` (see the module docstring)."""
    now = as_utc(now)
    ctx = context(ticket, now)
    policy = governing_policy(rules, ticket, now, ctx)
    if policy is None:
        return {"policy": None}
    fields: dict[str, Any] = {"policy": policy.id}
    for clock in metric_clocks(policy, ticket, timeline, now, ctx):
        fields[clock.metric.name] = _clock_fields(clock)
    return fields


def _clock_fields(clock: MetricClock) -> dict[str, Any]:
    elapsed, target, state = clock.elapsed, clock.target, clock.state
    return {
        "state": state,
        "remaining": target - elapsed if state in LIVE else None,
        "elapsed": elapsed,
        "target": target,
        "breached": clock.breached,
        "due_at": None if (due := clock.due_at) is None else iso(due),
        "started_at": None if clock.start is None else iso(clock.start),
        "level": reached_level(clock),
        "cycles": clock.cycles,
    }


def reached_level(clock: MetricClock) -> int:
    """The highest level number whose threshold (target + offset, at least 0) the elapsed time reached."""
    if clock.start is None:
        return 0
    elapsed = clock.elapsed
    return max(
        (level.number for level in clock.metric.levels if max(clock.target + level.offset, ZERO) <= elapsed),
        default=0,
    )
