"""SLA clocks: where each of a ticket's metrics' clocks stands at `now` (which policy governs: governing.py; what
the clocks read about the ticket: facts.py; when a cycle starts and stops: cycles.py).

Time: business time in the policy's calendar (24x7 without one), minus the time spent in a pause status (the
metric's pause_statuses, else the policy's; default On Hold). Pauses move the due time. The target is the one
for the ticket's current priority (case-insensitive), else the metric's `default`; with neither the metric has no
clock for this ticket (it is not listed). A priority change takes effect on the next sweep, for the running cycle.

States: not_started (no cycle yet: e.g. next_response before any customer reply that follows an agent response),
running, paused (in a pause status now), stopped (met or cancelled; `stopped_by` says which event). `breached`:
elapsed >= target while running or paused; elapsed > target when stopped (a response at the due instant is on
time). `due_at` is the breach instant: for a running clock when it will be (or was) reached; for a paused or
stopped clock only when it was reached before the pause or stop (None otherwise: a paused clock's due time moves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from worker.engine.conditions import EvalContext
from worker.engine.sla.cycles import latest_cycle
from worker.engine.sla.facts import Facts, Pause
from worker.engine.sla.governing import context, governing_policy
from worker.engine.sla.policy import CompiledMetric, CompiledPolicy, duration_text
from worker.engine.sla.timeline import Timeline, iso
from worker.engine.values import parse_time

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

ZERO = timedelta()
RUNNING, PAUSED, STOPPED, NOT_STARTED = "running", "paused", "stopped", "not_started"


@dataclass(frozen=True, slots=True)
class ClockState:
    """One metric's clock for one ticket at one instant (see the module docstring for the semantics).

    `cycle` identifies the clock's current cycle (its start, ISO UTC; "" when not started): escalation levels fire
    once per cycle. `pauses` are the pause intervals within the cycle, the last one open (None) while paused.
    """

    policy: str
    metric: str
    state: str
    cycle: str
    started_at: datetime | None
    target: timedelta | None
    elapsed: timedelta
    due_at: datetime | None
    pauses: tuple[tuple[datetime, datetime | None], ...]
    breached: bool
    stopped_at: datetime | None = None
    stopped_by: str | None = None  # agent_response | closed | condition
    cycles: int = 0  # how many cycles the metric has had so far (0 when not started)

    @property
    def remaining(self) -> timedelta | None:
        """Business time left before the breach (negative once breached); None without a target."""
        return None if self.target is None else self.target - self.elapsed

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe: times ISO UTC ("...Z"), durations as rule durations ("1h30m")."""
        return {
            "policy": self.policy,
            "metric": self.metric,
            "state": self.state,
            "cycle": self.cycle,
            "started_at": _iso(self.started_at),
            "target": _duration(self.target),
            "elapsed": duration_text(self.elapsed),
            "remaining": _duration(self.remaining),
            "due_at": _iso(self.due_at),
            "breached": self.breached,
            "pauses": [[iso(start), _iso(end)] for start, end in self.pauses],
            "stopped_at": _iso(self.stopped_at),
            "stopped_by": self.stopped_by,
            "cycles": self.cycles,
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def _duration(delta: timedelta | None) -> str | None:
    return None if delta is None else duration_text(delta)


class MetricClock:
    """One metric's latest cycle for one ticket at `now`. The cycle is found without the calendar; elapsed time,
    pauses and due instants are computed on first use (a sweep asks for them only when a level may be due)."""

    __slots__ = (
        "_cycle_id",
        "_elapsed",
        "_pauses",
        "cycles",
        "facts",
        "metric",
        "policy",
        "start",
        "stop",
        "stopped_by",
        "target",
    )

    def __init__(self, policy: CompiledPolicy, metric: CompiledMetric, facts: Facts, target: timedelta) -> None:
        self.policy, self.metric, self.facts, self.target = policy, metric, facts, target
        self.start, self.stop, self.stopped_by, self.cycles = latest_cycle(metric, facts)
        if metric.day_targets:  # business days count from this cycle's start (not started: as if it started now)
            anchor = self.start or facts.now
            self.target = metric.target_from(facts.ticket.get("priority"), anchor, policy.calendar) or target
        self._pauses: list[Pause] | None = None
        self._elapsed: timedelta | None = None
        self._cycle_id: str | None = None

    @property
    def cycle_id(self) -> str:
        if self._cycle_id is None:
            self._cycle_id = "" if self.start is None else iso(self.start)
        return self._cycle_id

    @property
    def end(self) -> datetime:
        """Where elapsed time is counted to: the stop, else now."""
        return self.stop if self.stop is not None else self.facts.now

    @property
    def pauses(self) -> list[Pause]:
        """The pause intervals within the cycle, clipped to it; an open last one (None) while paused now."""
        if self._pauses is None:
            start, end = self.start, self.end
            statuses = self.metric.pause_statuses
            if statuses is None:
                statuses = self.policy.pause_statuses
            clipped: list[Pause] = []
            if start is not None and statuses:
                for low, high in self.facts.pauses(statuses):
                    if (high is not None and high <= start) or low >= end:
                        continue
                    high = None if high is None and self.stop is None else min(high or end, end)
                    clipped.append((max(low, start), high))
            self._pauses = clipped
        return self._pauses

    @property
    def state(self) -> str:
        if self.start is None:
            return NOT_STARTED
        if self.stop is not None:
            return STOPPED
        pauses = self.pauses
        return PAUSED if pauses and pauses[-1][1] is None else RUNNING

    @property
    def elapsed(self) -> timedelta:
        """Business time counted in the cycle so far (to the stop, or now), pauses excluded."""
        if self._elapsed is None:
            if self.start is None:
                self._elapsed = ZERO
            else:
                calendar, end = self.policy.calendar, self.end
                total = calendar.business_time_between(self.start, end)
                for low, high in self.pauses:
                    total -= calendar.business_time_between(low, high if high is not None else end)
                self._elapsed = total
        return self._elapsed

    @property
    def wall_elapsed(self) -> timedelta:
        """Calendar time since the cycle's start: never less than `elapsed` (a cheap first test)."""
        return ZERO if self.start is None else self.end - self.start

    @property
    def breached(self) -> bool:
        if self.start is None:
            return False
        return self.elapsed > self.target if self.stop is not None else self.elapsed >= self.target

    def instant_at(self, amount: timedelta) -> datetime | None:
        """When the cycle's counted time reaches `amount` (>= 0): past, or future for a running clock (assuming
        no new pause); None when it was not reached before the stop or the current pause."""
        if self.start is None:
            return None
        calendar, remaining = self.policy.calendar, max(amount, ZERO)
        segments: list[tuple[datetime, datetime | None]] = []
        cursor = self.start
        for low, high in self.pauses:
            if low > cursor:
                segments.append((cursor, low))
            if high is None:  # paused now: nothing counts after the pause began
                break
            cursor = max(cursor, high)
        else:
            segments.append((cursor, self.stop))  # None: a running clock, open-ended
        for low, high in segments:
            if high is None:
                return calendar.add_business_time(low, remaining)
            part = calendar.business_time_between(low, high)
            if remaining <= part:
                return calendar.add_business_time(low, remaining)
            remaining -= part
        return None

    @property
    def due_at(self) -> datetime | None:
        if self.start is None:
            return None
        if self.stop is None and self.state == RUNNING:
            return self.instant_at(self.target)
        return self.instant_at(self.target) if self.elapsed >= self.target else None

    def to_state(self) -> ClockState:
        pauses = tuple(self.pauses)
        return ClockState(
            self.policy.id,
            self.metric.name,
            self.state,
            self.cycle_id,
            self.start,
            self.target,
            self.elapsed,
            self.due_at,
            pauses,
            self.breached,
            self.stop,
            self.stopped_by,
            self.cycles,
        )


def metric_clocks(
    policy: CompiledPolicy,
    ticket: Mapping[str, Any],
    timeline: Timeline,
    now: datetime,
    ctx: EvalContext | None = None,
    *,
    with_levels: bool = False,
) -> list[MetricClock]:
    """The clocks of the policy's metrics that have a target for this ticket's priority, in policy order
    (`with_levels`: only the metrics that have escalation levels)."""
    facts = Facts(policy, ticket, timeline, now, ctx or context(ticket, now))
    priority = ticket.get("priority")
    clocks = []
    for metric in policy.metrics:
        if with_levels and not metric.levels:
            continue
        target = metric.target_for(priority)
        if target is not None:
            clocks.append(MetricClock(policy, metric, facts, target))
    return clocks


def clocks_for(rules: RuleSet, ticket: Mapping[str, Any], timeline: Timeline, now: datetime) -> list[ClockState]:
    """The governing policy's clocks for this ticket at `now` (empty when no policy applies), in the order the
    policy lists its metrics; a metric with no target for the ticket's priority is left out."""
    now = as_utc(now)
    ctx = context(ticket, now)
    policy = governing_policy(rules, ticket, now, ctx)
    if policy is None:
        return []
    return [clock.to_state() for clock in metric_clocks(policy, ticket, timeline, now, ctx)]


def as_utc(now: datetime | str) -> datetime:
    moment = parse_time(now)
    if moment is None:
        raise ValueError(f"now: expected an aware time like 2026-12-01T10:00:00Z, got {now!r}")
    return moment
