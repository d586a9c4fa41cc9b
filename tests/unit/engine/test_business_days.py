"""Business days: with a calendar, `d` and `w` count working days (the same local time N working days later),
in elapsed conditions and SLA targets; `rules check` warns wherever a `d` or `w` meets a calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.engine.helpers import problems, rules, run, ticket
from tests.unit.engine.sla.support import at, one_policy, sla_ticket, timeline
from tests.unit.engine.test_calendars import berlin, calendar
from worker.engine.sla import clocks_for

CHRISTMAS = [{"date": "2026-12-24", "hours": ["09:00-12:00"]}, {"date": "2026-12-25"}]


@pytest.mark.parametrize(
    ("start", "days", "reached"),
    [
        ("2026-12-07 10:00", 1, "2026-12-08 10:00"),  # Monday -> Tuesday, same time
        ("2026-12-07 10:00", 5, "2026-12-14 10:00"),  # five working days: next Monday
        ("2026-12-04 15:00", 1, "2026-12-07 15:00"),  # Friday -> Monday: the weekend is skipped
        ("2026-12-05 12:00", 1, "2026-12-07 17:00"),  # Saturday counts from Monday's opening: a full day of hours
        ("2026-12-07 20:00", 1, "2026-12-08 17:00"),  # after closing: counts from Tuesday's opening
        ("2026-12-07 08:00", 1, "2026-12-07 17:00"),  # before opening: Monday's hours are the whole day
        ("2026-12-23 10:00", 2, "2026-12-28 10:00"),  # Christmas Eve (partial) is a working day, Christmas Day not
        ("2026-12-23 15:00", 1, "2026-12-24 12:00"),  # 15:00 on the short day is past its closing: reached at 12:00
    ],
)
def test_n_business_days_end_at_the_same_local_time_n_working_days_later(start: str, days: int, reached: str) -> None:
    # given Berlin office hours with Christmas Eve 09-12 and Christmas Day closed
    support = calendar(holidays=CHRISTMAS)
    # when N business days are measured from a moment / then they are reached where a person would say
    span = support.business_days_span(berlin(start), days)
    assert support.add_business_time(berlin(start), span) == berlin(reached)


CALENDAR_RULE = """
calendars:
  berlin:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays: [{date: 2026-12-25, name: Christmas Day}]
rules:
  - id: r
    on: ticket.replied
    if: {field: customerResponseTime, OPERATOR: AMOUNT, calendar: berlin}
    then: [{update: {status: Escalated}}]
"""


def _fires(operator: str, amount: str, since: str, now: str) -> bool:
    rule_set = rules(CALENDAR_RULE.replace("OPERATOR", operator).replace("AMOUNT", amount))
    return run(rule_set, "ticket.replied", ticket(customerResponseTime=since), now=now).fired_ids == ["r"]


def test_older_than_5d_with_a_calendar_means_five_working_days_not_120_business_hours() -> None:
    # given a customer reply on Monday Dec 7 at 10:00 Berlin (09:00Z)
    since = "2026-12-07T09:00:00.000Z"
    # when it is next Monday 09:59 / then not yet five business days; at 10:00 / then yes (it took 15 before)
    assert not _fires("older_than", "5d", since, "2026-12-14T08:59:00Z")
    assert _fires("older_than", "5d", since, "2026-12-14T09:00:00Z")
    assert _fires("newer_than", "5d", since, "2026-12-14T08:59:00Z")
    assert not _fires("newer_than", "5d", since, "2026-12-14T09:00:00Z")
    # and 1w is the calendar's five working days
    assert _fires("older_than", "1w", since, "2026-12-14T09:00:00Z")
    # and 120h keeps the old meaning: three weeks of office hours
    assert not _fires("older_than", "120h", since, "2026-12-14T09:00:00Z")


def test_a_holiday_pushes_business_days_out_by_a_day_and_hours_add_on_top() -> None:
    # given a reply on Wednesday Dec 23 at 10:00 (Christmas Day, then the weekend, are closed)
    since = "2026-12-23T09:00:00.000Z"
    # when 2d: Thursday 24th, then Monday 28th at 10:00
    assert not _fires("older_than", "2d", since, "2026-12-28T08:59:00Z")
    assert _fires("older_than", "2d", since, "2026-12-28T09:00:00Z")
    # and 1d2h is one business day, then two business hours
    assert not _fires("older_than", "1d2h", since, "2026-12-24T10:59:00Z")
    assert _fires("older_than", "1d2h", since, "2026-12-24T11:00:00Z")


def test_the_failure_shows_business_hours_elapsed_and_what_the_days_amount_to() -> None:
    rule_set = rules(CALENDAR_RULE.replace("OPERATOR", "older_than").replace("AMOUNT", "2d"))
    verdict = run(
        rule_set, "ticket.replied", ticket(customerResponseTime="2026-12-07T09:00:00.000Z"), now="2026-12-08T09:00:00Z"
    ).verdict("r")
    assert verdict.reason == (
        "customerResponseTime older_than '2d': actual '2026-12-07T09:00:00.000Z (8h ago in "
        "business hours of 'berlin'; 2d from it is 16h)'"
    )


def test_an_sla_target_in_days_counts_working_days_from_the_cycle_start() -> None:
    # given a 1d resolution target in Berlin business hours (it meant 24 business hours: three working days)
    rule_set = one_policy("resolution: {targets: {default: 1d, Urgent: 4h}}")
    # when a ticket created Friday Dec 4 at 15:00 Berlin is read on Monday at 14:00
    history = timeline("2026-12-04T14:00")
    clock = clocks_for(rule_set, sla_ticket(), history, at("2026-12-07T13:00"))[0]
    # then the target is one working day (8h): due Monday 15:00, the same time one working day later
    assert clock.target == timedelta(hours=8)
    assert clock.due_at == at("2026-12-07T14:00")
    assert clock.breached is False
    # and a target in hours is unchanged
    urgent = clocks_for(rule_set, sla_ticket(priority="Urgent"), history, at("2026-12-07T13:00"))[0]
    assert urgent.target == timedelta(hours=4)


def test_rules_check_warns_wherever_a_day_duration_meets_a_calendar() -> None:
    # given days with a calendar in a condition, a task's due_in, an SLA target and an SLA offset
    text = """\
        calendars:
          support: {timezone: Europe/Berlin, hours: {mon: ["09:00-17:00"]}}
        rules:
          - id: r
            on: {schedule: {cron: "0 * * * *"}}
            if: {field: modifiedTime, older_than: 5d, calendar: support}
            once: per_ticket
            then: [{task: {subject: Follow up, due_in: 2d, calendar: support}}]
        sla_policies:
          - id: p
            calendar: support
            metrics:
              resolution:
                targets: {default: 1w2d}
                escalations: [{at: +1d, then: [{update: {priority: High}}]}]
        """
    # when checked / then each is a warning saying what it means now and how to keep the old meaning
    assert problems(text, "rules/days.yaml") == [
        "rules/days.yaml:6:43: warning: with calendar 'support', 5d now means 5 business days (before: 120 business "
        "hours); write 120h to keep the old meaning",
        "rules/days.yaml:8:48: warning: with calendar 'support', 2d now means 2 business days (before: 48 business "
        "hours); write 48h to keep the old meaning",
        "rules/days.yaml:14:28: warning: with calendar 'support', 1w2d now means 1 business week and 2 business days "
        "(before: 216 business hours); write 216h to keep the old meaning",
        "rules/days.yaml:15:28: warning: with calendar 'support', +1d here is 24 business hours, not 1 business day; "
        "write it in hours (24h) to say so",
    ]


def test_days_without_a_calendar_stay_calendar_days_and_do_not_warn() -> None:
    text = """\
        rules:
          - id: r
            on: ticket.updated
            if: {field: modifiedTime, older_than: 5d}
            then: [{update: {priority: Low}}]
        """
    assert problems(text) == []


def test_a_clock_not_started_yet_shows_its_day_target_in_business_hours_from_now() -> None:
    # given a 2d next-response target in Berlin hours and no customer reply after an agent's answer yet
    rule_set = one_policy("next_response: {targets: {default: 2d}}")
    clock = clocks_for(rule_set, sla_ticket(), timeline("2026-12-07T09:00"), at("2026-12-07T10:00"))[0]
    # when read / then it has not started, and its target reads as two working days of hours, not 48h
    assert clock.state == "not_started"
    assert clock.target == timedelta(hours=16)
