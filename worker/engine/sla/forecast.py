"""The SLA forecast: which tickets' levels come due in the next window, for `deskpilot sla forecast`.

`forecast(rules, tickets_with_timelines, now, within)` lists the levels of running clocks due in
(now, now + within], one row per level; a metric whose breach falls in the window but has no level at offset 0
gets a row for the breach itself, with level 0 and name "breach" (so every ticket that will breach is listed).
Paused clocks are not forecast (their due times move) and stopped ones have no levels left. Levels already due
(due_at <= now) belong to the sweep, not to the forecast.

Order: breaches first - rows at or after the breach (offset >= 0), by due time - then the warnings before a breach
(negative offsets), by due time; ties by ticket number, metric and level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from worker.engine.sla.clocks import RUNNING, ZERO, as_utc, metric_clocks
from worker.engine.sla.governing import active_policies, context, governing_policy
from worker.engine.sla.policy import offset_text
from worker.engine.sla.timeline import Timeline, iso

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

BREACH_LEVEL = 0


@dataclass(frozen=True, slots=True)
class ForecastRow:
    ticket_id: str
    ticket_number: str
    policy: str
    metric: str
    level: int  # 0: the breach itself (the metric has no level at offset 0)
    due_at: datetime
    name: str = ""
    offset: timedelta = ZERO
    breach_at: datetime | None = None

    @property
    def is_warning(self) -> bool:
        return self.offset < ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "ticket_number": self.ticket_number,
            "policy": self.policy,
            "metric": self.metric,
            "level": self.level,
            "name": self.name,
            "offset": offset_text(self.offset),
            "due_at": iso(self.due_at),
            "breach_at": iso(self.breach_at) if self.breach_at else None,
        }


def forecast(
    rules: RuleSet,
    tickets_with_timelines: Iterable[tuple[Mapping[str, Any], Timeline]],
    now: datetime,
    within: timedelta,
) -> list[ForecastRow]:
    """The rows described in the module docstring."""
    now = as_utc(now)
    horizon = now + within
    rows: list[ForecastRow] = []
    if not active_policies(rules):
        return rows
    for ticket, timeline in tickets_with_timelines:
        ctx = context(ticket, now)
        policy = governing_policy(rules, ticket, now, ctx)
        if policy is None:
            continue
        ticket_id, ticket_number = str(ticket.get("id") or ""), str(ticket.get("ticketNumber") or "")
        for clock in metric_clocks(policy, ticket, timeline, now, ctx):
            if (
                clock.start is None
                or clock.stop is not None
                or now - clock.start + within < clock.target + clock.metric.first_offset
                or clock.state != RUNNING
            ):
                continue  # the wall-clock test first: counted time cannot outrun the calendar
            elapsed = clock.elapsed
            reach = elapsed + policy.calendar.business_time_between(now, horizon)
            offsets = [(level.number, level.name, level.offset) for level in clock.metric.levels]
            if not any(offset == ZERO for _, _, offset in offsets):
                offsets.append((BREACH_LEVEL, "breach", ZERO))
            breach_at = None
            for number, name, offset in offsets:
                threshold = max(clock.target + offset, ZERO)
                if not elapsed < threshold <= reach:
                    continue
                due_at = clock.instant_at(threshold)
                if due_at is None or not now < due_at <= horizon:
                    continue
                breach_at = breach_at or clock.instant_at(clock.target)
                rows.append(
                    ForecastRow(
                        ticket_id, ticket_number, policy.id, clock.metric.name, number, due_at, name, offset, breach_at
                    )
                )
    rows.sort(key=lambda row: (row.is_warning, row.due_at, _number_key(row.ticket_number), row.metric, row.level))
    return rows


def _number_key(number: str) -> tuple[int, str]:
    return (len(number), number)
