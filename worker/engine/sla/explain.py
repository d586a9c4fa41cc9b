"""A ticket's SLA clocks for people (`deskpilot sla explain --ticket ID`): which policy governs it and why the
earlier ones do not, then each metric's clock - state, cycle, start, target, elapsed business time, pauses, due
time, breach - and its levels (fired, due, to come, waiting while paused, cancelled), then the next level.

    Ticket #1042 (1892000000143237) at 2026-12-01T14:30:00Z
    Policy support-sla (rules/sla_policies.yaml:61): calendar support (Europe/Berlin), pauses in On Hold
      not vip-sla (rules/sla_policies.yaml:12): contact.account.accountName in ['Zylker', 'Acme']: actual 'Globex'
      first_response  RUNNING, BREACHED
        started   2026-12-01T09:00:00Z (cycle 1)
        target    4h (priority High)
        elapsed   4h30m business time; 30m over
        due       2026-12-01T13:00:00Z
        pauses    none
        level 1 warning (-30m)    2026-12-01T12:30:00Z  fired
        level 2 breach (0)        2026-12-01T13:00:00Z  DUE (not fired yet)
        level 3 (+2h)             2026-12-01T15:00:00Z  to come
    Next level: first_response level 3 (+2h) at 2026-12-01T15:00:00Z
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from worker.engine.explain import failure_lines
from worker.engine.sla.clocks import PAUSED, STOPPED, ZERO, MetricClock, as_utc, metric_clocks
from worker.engine.sla.escalation import level_key, next_level
from worker.engine.sla.governing import policy_verdicts
from worker.engine.sla.policy import CompiledPolicy, duration_text
from worker.engine.sla.timeline import Timeline, iso

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

_STOPPED_BY = {
    "agent_response": "met: an agent responded",
    "closed": "stopped: the ticket was closed",
    "condition": "stopped: its stop condition holds",
}


def explain(
    rules: RuleSet, ticket: Mapping[str, Any], timeline: Timeline, now: datetime, fired: Collection[str] = ()
) -> str:
    """The text described in the module docstring."""
    now = as_utc(now)
    number = ticket.get("ticketNumber")
    lines = [f"Ticket {'#' + str(number) + ' ' if number else ''}({ticket.get('id') or '?'}) at {iso(now)}"]
    verdicts = policy_verdicts(rules, ticket, now)
    governing = next((policy for policy, status, _ in verdicts if status == "applies"), None)
    if governing is None:
        lines.append("No SLA policy applies" + ("" if verdicts else " (no policies defined)"))
    else:
        lines.append(f"Policy {governing.id} ({governing.source}){_title(governing)}: {_setup(governing)}")
    for policy, status, failure in verdicts:
        if status == "disabled":
            lines.append(f"  not {policy.id} ({policy.source}): disabled")
        elif status == "not_matched" and failure is not None:
            reasons = failure_lines(failure)
            lines.append(f"  not {policy.id} ({policy.source}): {reasons[0]}")
            lines.extend(f"    {line}" for line in reasons[1:])
    if governing is None:
        return "\n".join(lines)
    clocks = {clock.metric.name: clock for clock in metric_clocks(governing, ticket, timeline, now)}
    for metric in governing.metrics:
        clock = clocks.get(metric.name)
        if clock is None:
            lines.append(f"  {metric.name}  no clock: no target for priority {ticket.get('priority')!r} and no default")
            continue
        lines.extend(_clock_lines(clock, fired, now))
    upcoming = next_level(rules, ticket, timeline, now, fired)
    if upcoming is not None:
        label = _level_label(governing, upcoming.metric, upcoming.level)
        lines.append(f"Next level: {upcoming.metric} level {label} at {iso(upcoming.due_at)}")
    else:
        lines.append("Next level: none to come")
    return "\n".join(lines)


def _title(policy: CompiledPolicy) -> str:
    return f' "{policy.name}"' if policy.name else ""


def _setup(policy: CompiledPolicy) -> str:
    calendar = policy.calendar
    where = f"calendar {calendar.name} ({calendar.zone.key})" if policy.model.calendar else "24x7 (no calendar)"
    pauses = ", ".join(policy.model.pause_statuses) or "no status"
    return f"{where}, pauses in {pauses}" + (" [dry run]" if policy.dry_run else "")


def _clock_lines(clock: MetricClock, fired: Collection[str], now: datetime) -> list[str]:
    metric = clock.metric
    state, start, stop = clock.state, clock.start, clock.stop
    if start is None:  # state NOT_STARTED
        return [
            f"  {metric.name}  NOT STARTED (starts at: {metric.describe_start()}; target {duration_text(clock.target)})"
        ]
    head = state.upper().replace("_", " ") + (", BREACHED" if clock.breached else "")
    lines = [f"  {metric.name}  {head}"]
    elapsed, target = clock.elapsed, clock.target
    lines.append(f"    started   {iso(start)} (cycle {clock.cycles})")
    if stop is not None:  # state STOPPED
        lines.append(f"    stopped   {iso(stop)} ({_STOPPED_BY.get(clock.stopped_by or '', 'stopped')})")
    lines.append(f"    target    {duration_text(target)} (priority {clock.facts.ticket.get('priority')!r})")
    balance = target - elapsed
    over = f"{duration_text(-balance)} over" if balance < ZERO else f"{duration_text(balance)} left"
    lines.append(f"    elapsed   {duration_text(elapsed)} business time; {over}")
    due = clock.due_at
    if due is not None:
        lines.append(f"    due       {iso(due)}")
    elif state == PAUSED:
        lines.append("    due       moves while paused")
    pauses = clock.pauses
    if not pauses:
        lines.append("    pauses    none")
    for index, (low, high) in enumerate(pauses):
        span = f"{iso(low)} - {iso(high)}" if high is not None else f"{iso(low)} - (paused now)"
        lines.append(f"    {'pauses' if index == 0 else '':<10}{span}")
    for level in metric.levels:
        threshold = max(target + level.offset, ZERO)
        key = level_key(clock.policy.id, metric.name, clock.cycle_id, level.number)
        reached = elapsed >= threshold
        when = clock.instant_at(threshold)
        if key in fired:
            status = "fired"
        elif state == STOPPED:
            status = "cancelled (the clock stopped)"
        elif reached:
            status = "DUE (not fired yet)"
        elif state == PAUSED:
            status = "waits (paused)"
        else:
            status = "to come"
        label = f"level {level.label}"
        lines.append(f"    {label:<26}{iso(when) if when else '-':<22}{status}")
    return lines


def _level_label(policy: CompiledPolicy, metric_name: str, number: int) -> str:
    metric = policy.metric(metric_name)
    level = metric.levels[number - 1] if metric and 0 < number <= len(metric.levels) else None
    return level.label if level else str(number)
