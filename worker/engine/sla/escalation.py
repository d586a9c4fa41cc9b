"""Escalation levels: which are due now for a ticket, planned exactly like rule actions; and which comes next.

A metric's levels sit at offsets from its breach, in the policy's business time, net of pauses: the level at
`-30m` is due when the clock's counted time reaches target - 30m, the one at `+2h` when it reaches target + 2h
(an offset before the clock's start is due at the start). Levels are numbered by their position in the metric's
`escalations` list, from 1; offsets must increase down the list.

Each level fires once per clock cycle: its key is "policy|metric|cycle|level" (`DueLevel.key()`), the cycle
being the cycle's start (ISO UTC), and the pipeline records the keys it fired. A new cycle (a reopen, a customer
reply after an agent response) has new keys: its levels are re-armed.

`due_levels` returns the levels whose due time has come (due_at <= now) and whose key is not in `fired`:
- of running clocks, and of paused clocks for levels that came due before the pause (a pause does not cancel an
  escalation that was already due; levels not reached wait while paused);
- never of stopped clocks: when a clock stops (an agent responds, the ticket closes) its remaining levels are
  cancelled, including one that came due just before the stop but was not fired yet;
- every due level not fired, oldest first (after an outage, all the levels missed fire, each once).
Levels are planned only when due (templates rendered, names resolved through the directory), with `sla` in the
templates' variables: {policy, policy_name, metric, level, level_name, offset, target, elapsed, cycle,
started_at, breach_at, due_at} (durations as text like "4h", times as aware UTC datetimes: use desk_time()).
A level that cannot be planned (an unknown agent, a template error, anything its plan raises) is returned with
`error` set and no actions, for the pipeline to record as failed (its key should be recorded too: it would fail
again); the ticket's other levels are planned as usual.

Planned actions carry the policy id as `rule`, the policy's version and the action's position in the level;
`action_id(due.key())` gives each a deterministic id. Constant `update`s are `batchable` (updateMany).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from worker.engine.directory import Directory
from worker.engine.effects import effect, mentions_pending
from worker.engine.errors import PlanError
from worker.engine.planned import PlannedAction
from worker.engine.planner import PlanContext
from worker.engine.sla.clocks import RUNNING, ZERO, MetricClock, as_utc, metric_clocks
from worker.engine.sla.governing import context, governing_policy
from worker.engine.sla.policy import CompiledLevel, duration_text, offset_text
from worker.engine.sla.timeline import Timeline, iso
from worker.engine.templates import variables

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

EVENT_KIND = "sla"
_EMPTY_DIRECTORY = Directory()


@dataclass(frozen=True, slots=True)
class DueLevel:
    """One escalation level of one ticket's clock cycle; `actions` are planned only by `due_levels`."""

    policy: str
    metric: str
    cycle: str
    level: int
    offset: timedelta
    due_at: datetime
    actions: tuple[PlannedAction, ...] = ()
    name: str = ""
    ticket_id: str = ""
    breach_at: datetime | None = None  # the metric's breach instant (offset 0)
    error: str = ""  # why the level could not be planned (then `actions` is empty)
    dry_run: bool = False

    def key(self) -> str:
        """The stable id the pipeline records once the level fired: "policy|metric|cycle|level"."""
        return level_key(self.policy, self.metric, self.cycle, self.level)

    @property
    def offset_text(self) -> str:
        return offset_text(self.offset)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key(),
            "policy": self.policy,
            "metric": self.metric,
            "cycle": self.cycle,
            "level": self.level,
            "name": self.name,
            "offset": self.offset_text,
            "due_at": iso(self.due_at),
            "breach_at": iso(self.breach_at) if self.breach_at else None,
            "ticket": self.ticket_id,
            "dry_run": self.dry_run,
            "actions": [action.as_dict() for action in self.actions],
        }
        if self.error:
            data["error"] = self.error
        return data


def level_key(policy: str, metric: str, cycle: str, level: int) -> str:
    return f"{policy}|{metric}|{cycle}|{level}"


def _threshold(clock: MetricClock, level: CompiledLevel) -> timedelta:
    return max(clock.target + level.offset, ZERO)


def due_levels(
    rules: RuleSet,
    ticket: Mapping[str, Any],
    timeline: Timeline,
    directory: Directory | Mapping[str, Any] | None,
    now: datetime,
    fired: Collection[str] = (),
) -> list[DueLevel]:
    """The levels due for this ticket at `now` and not in `fired`, planned (see the module docstring); ordered by
    due time, then metric order and level."""
    now = as_utc(now)
    ctx = context(ticket, now)
    policy = governing_policy(rules, ticket, now, ctx)
    if policy is None or not any(metric.levels for metric in policy.metrics):
        return []
    found: list[tuple[MetricClock, CompiledLevel, datetime]] = []
    for clock in metric_clocks(policy, ticket, timeline, now, ctx, with_levels=True):
        levels = clock.metric.levels
        if clock.start is None or clock.stop is not None:
            continue
        wall = clock.wall_elapsed  # business time counted can only be less: most clocks end here
        if wall < clock.target + clock.metric.first_offset:
            continue
        pending = [
            level
            for level in levels
            if level_key(policy.id, clock.metric.name, clock.cycle_id, level.number) not in fired
        ]
        if not pending or wall < _threshold(clock, pending[0]):
            continue
        elapsed = clock.elapsed
        for level in pending:
            threshold = _threshold(clock, level)
            if elapsed < threshold:
                break
            found.append((clock, level, clock.instant_at(threshold) or now))
    if not found:
        return []
    found.sort(key=lambda item: item[2])
    resolved = Directory.from_data(directory)
    return [_plan(clock, level, due_at, ticket, resolved, now) for clock, level, due_at in found]


def next_level(
    rules: RuleSet, ticket: Mapping[str, Any], timeline: Timeline, now: datetime, fired: Collection[str] = ()
) -> DueLevel | None:
    """The earliest level still to come (due_at > now, not fired) of the running clocks, unplanned (no actions):
    for explain, forecast and scheduling. Paused clocks have no next level (their due times move)."""
    now = as_utc(now)
    ctx = context(ticket, now)
    policy = governing_policy(rules, ticket, now, ctx)
    if policy is None:
        return None
    best: DueLevel | None = None
    for clock in metric_clocks(policy, ticket, timeline, now, ctx):
        upcoming = _upcoming(clock, now, fired)
        if upcoming is not None and (best is None or upcoming.due_at < best.due_at):
            best = upcoming
    return best


def _upcoming(clock: MetricClock, now: datetime, fired: Collection[str]) -> DueLevel | None:
    if clock.state != RUNNING or not clock.metric.levels:
        return None
    elapsed = clock.elapsed
    for level in clock.metric.levels:
        threshold = _threshold(clock, level)
        if threshold <= elapsed:
            continue
        if level_key(clock.policy.id, clock.metric.name, clock.cycle_id, level.number) in fired:
            continue
        due_at = clock.instant_at(threshold)
        if due_at is not None and due_at > now:
            return unplanned(clock, level, due_at)
    return None


def unplanned(clock: MetricClock, level: CompiledLevel, due_at: datetime) -> DueLevel:
    return DueLevel(
        clock.policy.id,
        clock.metric.name,
        clock.cycle_id,
        level.number,
        level.offset,
        due_at,
        (),
        level.name,
        str(clock.facts.ticket.get("id") or ""),
        clock.instant_at(clock.target),
        "",
        clock.policy.dry_run,
    )


def _plan(
    clock: MetricClock,
    level: CompiledLevel,
    due_at: datetime,
    ticket: Mapping[str, Any],
    directory: Directory | None,
    now: datetime,
) -> DueLevel:
    policy, metric = clock.policy, clock.metric
    ticket_id = str(ticket.get("id") or "")
    breach_at = clock.instant_at(clock.target)
    due = DueLevel(
        policy.id,
        metric.name,
        clock.cycle_id,
        level.number,
        level.offset,
        due_at,
        (),
        level.name,
        ticket_id,
        breach_at,
        "",
        policy.dry_run,
    )
    sla = {
        "policy": policy.id,
        "policy_name": policy.name,
        "metric": metric.name,
        "level": level.number,
        "level_name": level.name,
        "offset": offset_text(level.offset),
        "target": duration_text(clock.target),
        "elapsed": duration_text(clock.elapsed),
        "cycle": clock.cycle_id,
        "started_at": clock.start,
        "breach_at": breach_at,
        "due_at": due_at,
    }
    lookup = directory or _EMPTY_DIRECTORY

    def make_variables(view: Mapping[str, Any]) -> dict[str, Any]:
        event = {"kind": EVENT_KIND, "id": due.key(), "ticket_id": ticket_id, "changes": {}}
        values = variables(view, None, event, {"id": policy.id, "name": policy.name}, now, lookup.mention)
        values["sla"] = sla
        return values

    ctx = PlanContext(ticket, now, directory, make_variables)
    planned: list[PlannedAction] = []
    pending = False
    try:
        for position, action in enumerate(level.actions):
            params = action.plan(ctx)
            marks = ("assignee",) if pending and mentions_pending(params) else ()
            planned.append(
                PlannedAction(
                    policy.id,
                    action.index,
                    action.type,
                    params,
                    ticket_id,
                    action.type == "update" and action.constant,
                    policy.dry_run,
                    policy.version,
                    marks,
                )
            )
            if level.effects_matter[position]:
                changes = effect(action.type, params, ctx.view, directory)
                if changes:
                    ctx.apply(changes)
                    pending = pending or (action.type == "assign" and "strategy" in params)
    except PlanError as exc:
        return replace(due, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a level's fault is that level's alone, like a rule's
        return replace(due, error=f"planning raised {type(exc).__name__}: {exc}")
    return replace(due, actions=tuple(planned))
