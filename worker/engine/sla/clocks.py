"""SLA clocks: which policy governs a ticket, and where each of its metrics' clocks stands at `now`.

Which policy: the first enabled policy, in file order (files alphabetical, then position), whose `if` holds on the
ticket as it is now. A ticket that moves to another department may come under another policy; levels are keyed
by policy, so the new policy's levels fire on their own.

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

Time: business time in the policy's calendar (24x7 without one), minus the time spent in a pause status (the
metric's pause_statuses, else the policy's; default On Hold). Pauses move the due time. The target is the one
for the ticket's current priority (case-insensitive), else the metric's `default`; with neither the metric has no
clock for this ticket (it is not listed). A priority change takes effect on the next sweep, for the running cycle.

States: not_started (no cycle yet: e.g. next_response before any customer reply that follows an agent response),
running, paused (in a pause status now), stopped (met or cancelled; `stopped_by` says which event). `breached`:
elapsed >= target while running or paused; elapsed > target when stopped (a response at the due instant is on
time). `due_at` is the breach instant: for a running clock when it will be (or was) reached; for a paused or
stopped clock only when it was reached before the pause or stop (None otherwise: a paused clock's due time moves).

The status history comes from the timeline; when the ticket's current status differs from the timeline's last
one (the timeline lags the mirror), the ticket wins from its modifiedTime (clamped to the history and `now`).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from worker.engine.conditions import EvalContext, Failure
from worker.engine.sla.policy import CompiledMetric, CompiledPolicy, duration_text
from worker.engine.sla.timeline import Timeline, iso
from worker.engine.values import parse_time

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

ZERO = timedelta()
SCHEDULE_KIND = "schedule"
RUNNING, PAUSED, STOPPED, NOT_STARTED = "running", "paused", "stopped", "not_started"
Pause = tuple[datetime, "datetime | None"]


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
        return {"policy": self.policy, "metric": self.metric, "state": self.state, "cycle": self.cycle,
                "started_at": _iso(self.started_at), "target": _duration(self.target),
                "elapsed": duration_text(self.elapsed), "remaining": _duration(self.remaining),
                "due_at": _iso(self.due_at), "breached": self.breached,
                "pauses": [[iso(start), _iso(end)] for start, end in self.pauses],
                "stopped_at": _iso(self.stopped_at), "stopped_by": self.stopped_by, "cycles": self.cycles}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def _duration(delta: timedelta | None) -> str | None:
    return None if delta is None else duration_text(delta)


# ------------------------------------------------------------------------------------------------ policy choice
def active_policies(rules: RuleSet) -> tuple[CompiledPolicy, ...]:
    """The enabled policies, in order (kept in `rules.memo`)."""
    policies = rules.memo.get("sla.active")
    if policies is None:
        policies = rules.memo["sla.active"] = tuple(p for p in getattr(rules, "sla_policies", ()) if p.enabled)
    return policies


def context(ticket: Mapping[str, Any], now: datetime) -> EvalContext:
    """What policy conditions and stop conditions see: the ticket now, no change (as in a sweep)."""
    return EvalContext(ticket, None, None, SCHEDULE_KIND, now)


def governing_policy(rules: RuleSet, ticket: Mapping[str, Any], now: datetime,
                     ctx: EvalContext | None = None) -> CompiledPolicy | None:
    """The first enabled policy whose condition holds on the ticket; None when none does."""
    ctx = ctx or context(ticket, now)
    for policy in active_policies(rules):
        if policy.check(ctx) is None:
            return policy
    return None


def policy_verdicts(rules: RuleSet, ticket: Mapping[str, Any], now: datetime
                    ) -> list[tuple[CompiledPolicy, str, Failure | None]]:
    """Each policy up to the governing one: (policy, "applies" | "not_matched" | "disabled", failure)."""
    ctx = context(ticket, now)
    out: list[tuple[CompiledPolicy, str, Failure | None]] = []
    for policy in getattr(rules, "sla_policies", ()):
        if not policy.enabled:
            out.append((policy, "disabled", None))
            continue
        failure = policy.check(ctx)
        out.append((policy, "not_matched" if failure is not None else "applies", failure))
        if failure is None:
            break
    return out


# ------------------------------------------------------------------------------------------------ the facts
class Facts:
    """What every metric of one policy reads about one ticket at `now`, computed once and lazily."""

    __slots__ = ("ticket", "timeline", "now", "ctx", "policy", "statuses", "customer", "agent", "_closes",
                 "_reopens", "_pauses")

    def __init__(self, policy: CompiledPolicy, ticket: Mapping[str, Any], timeline: Timeline, now: datetime,
                 ctx: EvalContext) -> None:
        self.policy, self.ticket, self.timeline, self.now, self.ctx = policy, ticket, timeline, now, ctx
        self.statuses = _statuses(ticket, timeline, now)
        self.customer = _until(timeline.customer_messages, now)
        self.agent = _until(timeline.agent_responses, now)
        self._closes: list[datetime] | None = None
        self._reopens: list[datetime] | None = None
        self._pauses: dict[frozenset[str], list[Pause]] = {}

    def _transitions(self) -> None:
        closed, closes, reopens, was_closed = self.policy.closed_statuses, [], [], False
        for at, status in self.statuses:
            is_closed = status.casefold() in closed
            if is_closed and not was_closed:
                closes.append(at)
            elif was_closed and not is_closed:
                reopens.append(at)
            was_closed = is_closed
        self._closes, self._reopens = closes, reopens

    @property
    def closes(self) -> list[datetime]:
        if self._closes is None:
            self._transitions()
        return self._closes  # type: ignore[return-value]

    @property
    def reopens(self) -> list[datetime]:
        if self._reopens is None:
            self._transitions()
        return self._reopens  # type: ignore[return-value]

    def pauses(self, statuses: frozenset[str]) -> list[Pause]:
        """The intervals spent in one of `statuses` (casefolded), the last one open (None) if still in it."""
        found = self._pauses.get(statuses)
        if found is None:
            found, since = [], None
            for at, status in self.statuses:
                paused = status.casefold() in statuses
                if paused and since is None:
                    since = at
                elif not paused and since is not None:
                    found.append((since, at))
                    since = None
            if since is not None:
                found.append((since, None))
            self._pauses[statuses] = found
        return found


def _until(times: tuple[datetime, ...], now: datetime) -> tuple[datetime, ...]:
    if not times or times[-1] <= now:
        return times
    return times[:bisect_right(times, now)]


def _statuses(ticket: Mapping[str, Any], timeline: Timeline, now: datetime) -> tuple[tuple[datetime, str], ...]:
    statuses = timeline.statuses
    if statuses and statuses[-1][0] > now:
        statuses = statuses[:bisect_right(statuses, now, key=lambda entry: entry[0])]
    current = ticket.get("status")
    if isinstance(current, str) and current and (not statuses or statuses[-1][1] != current):
        low = statuses[-1][0] if statuses else timeline.created
        since = parse_time(ticket.get("modifiedTime")) or now
        statuses = (*statuses, (min(max(since, low), now), current))
    return statuses


# ------------------------------------------------------------------------------------------------ one clock
class MetricClock:
    """One metric's latest cycle for one ticket at `now`. The cycle is found without the calendar; elapsed time,
    pauses and due instants are computed on first use (a sweep asks for them only when a level may be due)."""

    __slots__ = ("policy", "metric", "facts", "target", "start", "stop", "stopped_by", "cycles", "_pauses",
                 "_elapsed", "_cycle_id")

    def __init__(self, policy: CompiledPolicy, metric: CompiledMetric, facts: Facts, target: timedelta) -> None:
        self.policy, self.metric, self.facts, self.target = policy, metric, facts, target
        self.start, self.stop, self.stopped_by, self.cycles = _cycle(metric, facts)
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
        cursor: datetime | None = self.start
        for low, high in self.pauses:
            if low > cursor:
                segments.append((cursor, low))
            if high is None:
                cursor = None
                break
            cursor = max(cursor, high)
        if cursor is not None:
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
        return ClockState(self.policy.id, self.metric.name, self.state, self.cycle_id, self.start, self.target,
                          self.elapsed, self.due_at, pauses, self.breached, self.stop, self.stopped_by, self.cycles)


def _cycle(metric: CompiledMetric, facts: Facts) -> tuple[datetime | None, datetime | None, str | None, int]:
    """(start, stop, stopped_by, number of cycles) of the metric's latest cycle (see the module docstring)."""
    kinds, stops = metric.start_kinds, metric.stop_kinds
    created = facts.timeline.created
    if kinds == _CREATED_ONLY and not metric.start_fields:  # first_response: one cycle, the first stop ends it
        if created > facts.now:
            return None, None, None, 0
        stop, by = None, None
        if "agent_response" in stops:
            index = bisect_left(facts.agent, created)
            if index < len(facts.agent):
                stop, by = facts.agent[index], "agent_response"
        if "closed" in stops:
            close = next((at for at in facts.closes if at >= created), None)
            if close is not None and (stop is None or close < stop):
                stop, by = close, "closed"
        start, cycles = created, 1
    else:
        events: list[tuple[datetime, int, str]] = []
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
        if not events:
            return None, None, None, 0
        if "agent_response" in stops:
            events.extend((at, 1, "agent_response") for at in facts.agent)
        if "closed" in stops:
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
        if start is None:
            return None, None, None, 0
    if stop is None and metric.stop_conditions:
        if any(condition.check(facts.ctx) is None for condition in metric.stop_conditions):
            modified = parse_time(facts.ticket.get("modifiedTime")) or facts.now
            stop, by = min(max(modified, start), facts.now), "condition"
    return start, stop, by, cycles


_CREATED_ONLY = frozenset({"created"})


def metric_clocks(policy: CompiledPolicy, ticket: Mapping[str, Any], timeline: Timeline, now: datetime,
                  ctx: EvalContext | None = None, *, with_levels: bool = False) -> list[MetricClock]:
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
