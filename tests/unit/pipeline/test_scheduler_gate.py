"""only_when_open: the scheduler skips a time rule's ticks that fall in its calendar's closed hours (holidays
included): nothing is claimed, nothing is sent. Fixed clock, ticks in memory (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.unit.engine.helpers import rules
from worker.app.scheduler import Scheduler, sweep_jobs

UTC = timezone.utc
RULES = """
calendars:
  support:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays: [{date: 2026-12-25}]
rules:
  - id: reminder
    on: {schedule: {cron: "0 * * * *", timezone: Europe/Berlin, only_when_open: support}}
    once: per_ticket
    then: [{comment: {text: reminder}}]
"""


class _Ticks:
    def __init__(self) -> None:
        self.claimed: list[tuple[str, datetime]] = []

    def claim(self, job: str, due: datetime) -> bool:
        self.claimed.append((job, due))
        return True


def _run(now: datetime) -> tuple[list[tuple[str, datetime]], list[tuple[str, datetime]]]:
    rule_set = rules(RULES)
    gate = rule_set.calendars[rule_set.get("reminder").schedule.only_when_open].is_open
    jobs = sweep_jobs([("reminder", "0 * * * *", "Europe/Berlin")], None, {"reminder": gate})  # type: ignore[arg-type]
    ticks, fired = _Ticks(), []
    scheduler = Scheduler(ticks, lambda: jobs, lambda job, due: fired.append((job.name, due)), lambda: now)  # type: ignore[arg-type]
    scheduler.run_once()
    return ticks.claimed, fired


def test_a_tick_in_open_hours_is_claimed_and_sent():
    claimed, fired = _run(datetime(2026, 12, 1, 10, 30, tzinfo=UTC))  # Tuesday 11:30 Berlin: the 11:00 tick
    assert fired == [("sweep:reminder", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))]
    assert claimed == fired


def test_ticks_at_night_on_weekends_and_on_holidays_are_skipped_not_queued():
    for now in (
        datetime(2026, 12, 1, 20, 30, tzinfo=UTC),  # Tuesday 21:30
        datetime(2026, 12, 5, 10, 30, tzinfo=UTC),  # Saturday
        datetime(2026, 12, 25, 10, 30, tzinfo=UTC),  # Christmas Day, a Friday
    ):
        assert _run(now) == ([], [])
