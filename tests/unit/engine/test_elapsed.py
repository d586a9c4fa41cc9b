"""Elapsed-time conditions (older_than / newer_than) in calendar time and in business time of YAML calendars."""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import rules, run, ticket

CALENDARS = """
calendars:
  berlin:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays:
      - {date: 2026-12-24, name: Christmas Eve, hours: ["09:00-12:00"]}
      - {date: 2026-12-25, name: Christmas Day}
  newyork:
    timezone: America/New_York
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
rules:
  - id: r
    on: ticket.replied
    if: {field: customerResponseTime, OPERATOR: AMOUNT, CALENDAR}
    then: [{update: {status: Escalated}}]
"""


def _rule(operator: str, amount: str, calendar: str | None = None):
    text = CALENDARS.replace("OPERATOR", operator).replace("AMOUNT", amount)
    return rules(text.replace(", CALENDAR", f", calendar: {calendar}" if calendar else ""))


def _fires(rule_set, since: str, now: str) -> bool:
    return run(rule_set, "ticket.replied", ticket(customerResponseTime=since), now=now).fired_ids == ["r"]


@pytest.mark.parametrize(
    ("operator", "amount", "since", "fires"),
    [
        ("older_than", "4h", "2026-12-01T05:00:00.000Z", True),
        ("older_than", "4h", "2026-12-01T06:00:00.000Z", True),  # exactly 4h: at least 4h have passed
        ("older_than", "4h", "2026-12-01T06:00:01.000Z", False),
        ("newer_than", "4h", "2026-12-01T06:00:01.000Z", True),
        ("newer_than", "4h", "2026-12-01T06:00:00.000Z", False),
        ("newer_than", "30m", "2026-12-01T11:00:00.000Z", True),  # a time in the future is newer
        ("older_than", "30m", "2026-12-01T11:00:00.000Z", False),
        ("older_than", "2d", "2026-11-29T10:00:00.000Z", True),
    ],
)
def test_elapsed_in_calendar_time(operator: str, amount: str, since: str, fires: bool) -> None:
    # given a rule on the time since the customer's last message, at 10:00 UTC / then
    assert _fires(_rule(operator, amount), since, "2026-12-01T10:00:00Z") is fires


@pytest.mark.parametrize("value", [None, "", "yesterday", 42])
def test_a_missing_or_unreadable_time_is_neither_older_nor_newer(value) -> None:
    # given a ticket without a readable customerResponseTime / when both operators test it / then neither holds
    for operator in ("older_than", "newer_than"):
        evaluation = run(_rule(operator, "1h"), "ticket.replied", ticket(customerResponseTime=value))
        assert evaluation.fired_ids == []
        assert evaluation.verdict("r").failure.actual == value


def test_business_time_skips_the_weekend() -> None:
    # given 4 business hours in Berlin (09-17), the customer writing Friday 15:00 local (14:00Z)
    rule_set = _rule("older_than", "4h", "berlin")
    # when it is Monday 10:30 local (3.5 business hours later) / then not yet; Monday 11:00 / then yes
    assert not _fires(rule_set, "2026-12-04T14:00:00.000Z", "2026-12-07T09:30:00Z")
    assert _fires(rule_set, "2026-12-04T14:00:00.000Z", "2026-12-07T10:00:00Z")


def test_business_time_skips_holidays_and_counts_partial_days() -> None:
    # given Christmas Eve open 09-12 and Christmas Day closed; the customer wrote Dec 24 at 09:00 local
    rule_set = _rule("older_than", "4h", "berlin")
    since = "2026-12-24T08:00:00.000Z"
    # when it is Monday Dec 28 09:30 local: 3h on the 24th + 0.5h / then not yet; at 10:00 local / then yes
    assert not _fires(rule_set, since, "2026-12-28T08:30:00Z")
    assert _fires(rule_set, since, "2026-12-28T09:00:00Z")


def test_the_failure_shows_the_business_time_elapsed() -> None:
    rule_set = _rule("older_than", "4h", "berlin")
    verdict = run(
        rule_set, "ticket.replied", ticket(customerResponseTime="2026-12-04T14:00:00.000Z"), now="2026-12-07T09:30:00Z"
    ).verdict("r")
    assert verdict.reason == (
        "customerResponseTime older_than '4h': actual "
        "'2026-12-04T14:00:00.000Z (3h30m ago in business hours of 'berlin')'"
    )


@pytest.mark.parametrize(
    ("calendar", "since", "now", "at_least", "less_than"),
    [
        # Berlin springs forward on Sunday 2026-03-29: Friday 16:00 CET (15:00Z) -> Monday 10:00 CEST (08:00Z)
        ("berlin", "2026-03-27T15:00:00.000Z", "2026-03-30T08:00:00Z", "2h", "2h1m"),
        # Berlin falls back on Sunday 2026-10-25: Friday 16:00 CEST (14:00Z) -> Monday 10:00 CET (09:00Z)
        ("berlin", "2026-10-23T14:00:00.000Z", "2026-10-26T09:00:00Z", "2h", "2h1m"),
        # New York springs forward on Sunday 2026-03-08: Friday 16:00 EST (21:00Z) -> Monday 10:00 EDT (14:00Z)
        ("newyork", "2026-03-06T21:00:00.000Z", "2026-03-09T14:00:00Z", "2h", "2h1m"),
        # New York falls back on Sunday 2026-11-01: Friday 16:00 EDT (20:00Z) -> Monday 10:00 EST (15:00Z)
        ("newyork", "2026-10-30T20:00:00.000Z", "2026-11-02T15:00:00Z", "2h", "2h1m"),
    ],
)
def test_business_time_across_both_dst_transitions(
    calendar: str, since: str, now: str, at_least: str, less_than: str
) -> None:
    # given Friday 16:00 to Monday 10:00 local across a DST change: 1h on Friday + 1h on Monday, wall clock
    # when measured in the calendar's business hours / then it is 2h exactly, whatever the UTC offsets did
    assert _fires(_rule("older_than", at_least, calendar), since, now)
    assert _fires(_rule("newer_than", less_than, calendar), since, now)
    assert not _fires(_rule("older_than", less_than, calendar), since, now)
