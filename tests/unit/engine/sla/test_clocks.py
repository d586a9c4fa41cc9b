"""Clocks: which policy governs, when a clock starts, stops and pauses, and how much business time it counted.

Times are UTC. Berlin (the `berlin` calendar, Mon-Fri 09:00-17:00) is UTC+1 in winter and UTC+2 in summer;
New York (`newyork`, 08:00-12:00 and 13:00-17:00) is UTC-5 in winter and UTC-4 in summer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.engine.sla.support import FIRST_RESPONSE_4H, at, one_policy, policies, sla_ticket, timeline
from worker.engine.sla import ClockState, Timeline, clocks_for

FOUR_HOURS = "first_response: {targets: {default: 4h}}"


def _clock(
    rule_set, created: str, now: str, *, metric: str | None = None, ticket: dict | None = None, **history
) -> ClockState:
    """The clock of a ticket whose status is the timeline's last one at `now` (as the mirror would have it)."""
    history_ = timeline(created, **history)
    ticket = ticket or sla_ticket(status=history_.status_at(at(now)))
    clocks = clocks_for(rule_set, ticket, history_, at(now))
    return next(clock for clock in clocks if metric is None or clock.metric == metric)


# ---------------------------------------------------------------------------------------------- business time
@pytest.mark.parametrize(
    ("created", "now", "elapsed", "due"),
    [
        # Fri 15:00 Berlin: 2h on Friday, the weekend is closed, 2h more on Monday from 09:00
        ("2026-12-04T14:00", "2026-12-07T09:30", "3h30m", "2026-12-07T10:00"),
        # Christmas Eve is 09:00-12:00 only and Christmas Day closed: 3h, then Monday 28th 09:00 + 1h
        ("2026-12-24T08:00", "2026-12-28T08:30", "3h30m", "2026-12-28T09:00"),
        # created at 11:00 on Christmas Eve: one hour left that day, three on Monday
        ("2026-12-24T10:00", "2026-12-26T12:00", "1h", "2026-12-28T11:00"),
        # created on a holiday: nothing counts until it ends
        ("2026-12-25T10:00", "2026-12-27T10:00", "0m", "2026-12-28T12:00"),
    ],
)
def test_weekends_holidays_and_partial_day_holidays_count_only_open_hours(created, now, elapsed, due) -> None:
    # given a 4h first response target in Berlin business hours
    rule_set = one_policy(FOUR_HOURS)
    # when the clock is read
    clock = _clock(rule_set, created, now)
    # then weekends and holidays did not count, and the breach lands in open hours
    assert clock.state == "running"
    assert clock.elapsed == timedelta(
        hours=int(elapsed.split("h")[0]) if "h" in elapsed else 0, minutes=int(elapsed.split("h")[-1].rstrip("m") or 0)
    )
    assert clock.due_at == at(due)
    assert clock.breached is False


@pytest.mark.parametrize(
    ("calendar", "target", "created", "due"),
    [
        # Berlin springs forward on Sun 2026-03-29: Friday 15:00 CET (14:00Z) + 2h, Monday 09:00 CEST (07:00Z) + 2h
        ("berlin", "4h", "2026-03-27T14:00", "2026-03-30T09:00"),
        # Berlin falls back on Sun 2026-10-25: Friday 15:00 CEST (13:00Z) + 2h, Monday 09:00 CET (08:00Z) + 2h
        ("berlin", "4h", "2026-10-23T13:00", "2026-10-26T10:00"),
        # New York springs forward on Sun 2026-03-08: Friday 16:00 EST (21:00Z) + 1h, Monday 08:00 EDT (12:00Z) + 1h
        ("newyork", "2h", "2026-03-06T21:00", "2026-03-09T13:00"),
        # New York falls back on Sun 2026-11-01: Friday 16:00 EDT (20:00Z) + 1h, Monday 08:00 EST (13:00Z) + 1h
        ("newyork", "2h", "2026-10-30T20:00", "2026-11-02T14:00"),
        # a Sunday 01:00-05:00 night shift in Berlin loses the skipped hour in spring (3h) ...
        ("berlin-nights", "3h30m", "2026-03-28T12:00", "2026-04-04T23:30"),
        # ... and keeps the repeated one in autumn (5h)
        ("berlin-nights", "4h30m", "2026-10-24T12:00", "2026-10-25T03:30"),
    ],
)
def test_business_hours_are_wall_clock_hours_across_dst_transitions(calendar, target, created, due) -> None:
    # given a first response target in a calendar whose zone changes its offset over the weekend
    rule_set = one_policy(f"first_response: {{targets: {{default: {target}}}}}", calendar=calendar)
    # when the clock is read just after creation
    clock = _clock(rule_set, created, created)
    # then the due time is in the zone's business hours after the transition
    assert clock.due_at == at(due)


def test_on_the_dst_weekend_elapsed_time_matches_the_due_time() -> None:
    rule_set = one_policy(FOUR_HOURS)
    before = _clock(rule_set, "2026-03-27T14:00", "2026-03-30T08:59")
    due = _clock(rule_set, "2026-03-27T14:00", "2026-03-30T09:00")
    assert (before.elapsed, before.breached) == (timedelta(hours=3, minutes=59), False)
    assert (due.elapsed, due.breached) == (timedelta(hours=4), True)


def test_without_a_calendar_time_counts_around_the_clock() -> None:
    clock = _clock(one_policy(FOUR_HOURS, calendar=None), "2026-12-05T22:00", "2026-12-06T01:00")
    assert (clock.elapsed, clock.due_at) == (timedelta(hours=3), at("2026-12-06T02:00"))


# ---------------------------------------------------------------------------------------------- pauses
PAUSED_OVERNIGHT = (("2026-12-01T09:00", "Open"), ("2026-12-01T15:00", "On Hold"), ("2026-12-02T09:00", "Open"))


def test_time_on_hold_does_not_count_and_the_due_time_moves() -> None:
    # given an 8h target, and On Hold from Tue 16:00 to Wed 10:00 Berlin (1h + 1h of business time)
    rule_set = one_policy("first_response: {targets: {default: 8h}}")
    # when the clock is read on Wednesday at 11:00 Berlin
    clock = _clock(rule_set, "2026-12-01T09:00", "2026-12-02T10:00", statuses=PAUSED_OVERNIGHT)
    # then 9h of business time passed, 2h of it paused: 7h counted; the breach is at Wed 12:00 Berlin
    assert clock.state == "running"
    assert clock.elapsed == timedelta(hours=7)
    assert clock.pauses == ((at("2026-12-01T15:00"), at("2026-12-02T09:00")),)
    assert clock.due_at == at("2026-12-02T11:00")


def test_while_paused_the_clock_stands_still_and_its_due_time_is_unknown() -> None:
    rule_set = one_policy("first_response: {targets: {default: 8h}}")
    evening = _clock(rule_set, "2026-12-01T09:00", "2026-12-01T20:00", statuses=PAUSED_OVERNIGHT[:2])
    morning = _clock(rule_set, "2026-12-01T09:00", "2026-12-02T12:00", statuses=PAUSED_OVERNIGHT[:2])
    assert evening.state == morning.state == "paused"
    assert evening.elapsed == morning.elapsed == timedelta(hours=6)
    assert morning.pauses == ((at("2026-12-01T15:00"), None),)
    assert morning.due_at is None and morning.remaining == timedelta(hours=2)


def test_a_clock_paused_after_its_breach_keeps_its_breach_time() -> None:
    rule_set = one_policy(FOUR_HOURS)
    clock = _clock(
        rule_set,
        "2026-12-01T09:00",
        "2026-12-01T20:00",
        statuses=(("2026-12-01T09:00", "Open"), ("2026-12-01T14:00", "On Hold")),
    )
    assert (clock.state, clock.elapsed, clock.breached, clock.due_at) == (
        "paused",
        timedelta(hours=5),
        True,
        at("2026-12-01T13:00"),
    )


def test_pause_statuses_are_per_policy_and_a_metric_may_override_them() -> None:
    # given a policy pausing in "Waiting on customer", and a metric that never pauses
    rule_set = one_policy(
        """\
        first_response: {targets: {default: 8h}, pause_statuses: []}
        resolution: {targets: {default: 40h}}
        """,
        extra="pause_statuses: [Waiting on customer]",
    )
    history = (
        ("2026-12-01T09:00", "Open"),
        ("2026-12-01T10:00", "waiting on customer"),
        ("2026-12-01T12:00", "On Hold"),
    )
    # when both clocks are read
    first, resolution = clocks_for(
        rule_set, sla_ticket(status="On Hold"), timeline("2026-12-01T09:00", statuses=history), at("2026-12-01T14:00")
    )
    # then only the policy's status paused resolution (case-insensitively); On Hold is not a pause here
    assert first.elapsed == timedelta(hours=5)
    assert resolution.elapsed == timedelta(hours=3)
    assert resolution.pauses == ((at("2026-12-01T10:00"), at("2026-12-01T12:00")),)


# ---------------------------------------------------------------------------------------------- starts and stops
def test_the_first_response_stops_at_the_first_agent_reply_and_never_restarts() -> None:
    # given a ticket answered at 11:00, then a customer reply and a reopen
    rule_set = one_policy(FOUR_HOURS)
    clock = _clock(
        rule_set,
        "2026-12-01T09:00",
        "2026-12-02T12:00",
        customer=("2026-12-01T09:00", "2026-12-02T09:00"),
        agent=("2026-12-01T11:00",),
        statuses=(("2026-12-01T09:00", "Open"), ("2026-12-01T12:00", "Closed"), ("2026-12-02T09:00", "Open")),
    )
    # then the first cycle is the only one: stopped (met) at the reply
    assert (clock.state, clock.stopped_by, clock.stopped_at) == ("stopped", "agent_response", at("2026-12-01T11:00"))
    assert (clock.elapsed, clock.breached, clock.due_at, clock.cycles) == (timedelta(hours=2), False, None, 1)


def test_closing_an_unanswered_ticket_stops_its_first_response_clock() -> None:
    clock = _clock(
        one_policy(FOUR_HOURS),
        "2026-12-01T09:00",
        "2026-12-01T16:00",
        statuses=(("2026-12-01T09:00", "Open"), ("2026-12-01T14:00", "Closed")),
    )
    assert (clock.state, clock.stopped_by, clock.breached, clock.due_at) == (
        "stopped",
        "closed",
        True,
        at("2026-12-01T13:00"),
    )


def test_a_reply_exactly_at_the_due_time_is_on_time() -> None:
    clock = _clock(one_policy(FOUR_HOURS), "2026-12-01T09:00", "2026-12-01T16:00", agent=("2026-12-01T13:00",))
    assert (clock.elapsed, clock.breached) == (timedelta(hours=4), False)


def test_a_ticket_an_agent_opened_with_a_reply_has_its_first_response_met_at_once() -> None:
    clock = _clock(
        one_policy(FOUR_HOURS), "2026-12-01T09:00", "2026-12-01T16:00", customer=(), agent=("2026-12-01T09:00",)
    )
    assert (clock.state, clock.elapsed) == ("stopped", timedelta())


NEXT = "next_response: {targets: {default: 2h}}"
CONVERSATION = {
    "customer": ("2026-12-01T09:00", "2026-12-01T11:00", "2026-12-01T11:30", "2026-12-01T13:00"),
    "agent": ("2026-12-01T10:00", "2026-12-01T12:00"),
}


@pytest.mark.parametrize(
    ("now", "state", "cycle", "cycles", "elapsed"),
    [
        ("2026-12-01T09:30", "not_started", "", 0, "0"),  # before any agent reply: that is the first response
        ("2026-12-01T10:30", "not_started", "", 0, "0"),  # answered, the customer has not written again
        ("2026-12-01T11:45", "running", "2026-12-01T11:00:00Z", 1, "45"),  # 11:30 is a second message: no restart
        ("2026-12-01T12:30", "stopped", "2026-12-01T11:00:00Z", 1, "60"),
        ("2026-12-01T14:00", "running", "2026-12-01T13:00:00Z", 2, "60"),
    ],
)
def test_each_customer_reply_after_an_answer_starts_a_next_response_cycle(now, state, cycle, cycles, elapsed) -> None:
    clock = _clock(one_policy(NEXT), "2026-12-01T09:00", now, **CONVERSATION)
    assert (clock.state, clock.cycle, clock.cycles) == (state, cycle, cycles)
    assert clock.elapsed == timedelta(minutes=int(elapsed))


def test_resolution_runs_from_creation_and_again_from_each_reopen() -> None:
    # given a ticket closed at 11:00 and reopened the next morning
    rule_set = one_policy("resolution: {targets: {default: 8h}}")
    history = {"statuses": (("2026-12-01T09:00", "Open"), ("2026-12-01T11:00", "Closed"), ("2026-12-02T09:00", "Open"))}
    closed = _clock(rule_set, "2026-12-01T09:00", "2026-12-01T20:00", **history)
    reopened = _clock(rule_set, "2026-12-01T09:00", "2026-12-02T10:00", **history)
    # then the first cycle stopped at the close; the reopen started a second cycle, counted afresh
    assert (closed.state, closed.stopped_by, closed.elapsed) == ("stopped", "closed", timedelta(hours=2))
    assert (reopened.state, reopened.cycle, reopened.cycles, reopened.elapsed) == (
        "running",
        "2026-12-02T09:00:00Z",
        2,
        timedelta(hours=1),
    )
    assert reopened.due_at == at("2026-12-03T09:00")  # Wed 10:00-17:00 Berlin is 7h, then Thu 09:00 + 1h


def test_a_custom_metric_starts_at_a_time_field_and_stops_when_its_condition_holds() -> None:
    # given a clock from the time approval was requested until the approval field says yes
    rule_set = one_policy("""\
        approval:
          start: {field: customFields.approvalRequested}
          stop: [closed, {field: customFields.approved, equals: "yes"}]
          targets: {default: 2h}
        """)
    requested = {"approvalRequested": "2026-12-01T10:00:00.000Z"}
    waiting = sla_ticket(customFields=requested)
    approved = sla_ticket(customFields={**requested, "approved": "yes"}, modifiedTime="2026-12-01T11:30:00.000Z")
    never = sla_ticket(customFields={})
    history = timeline("2026-12-01T09:00")
    now = at("2026-12-01T14:00")
    # then it runs from the field's time, stops at the change that made the condition hold, or never starts
    [running] = clocks_for(rule_set, waiting, history, now)
    assert (running.state, running.started_at, running.breached) == ("running", at("2026-12-01T10:00"), True)
    [stopped] = clocks_for(rule_set, approved, history, now)
    assert (stopped.state, stopped.stopped_by, stopped.stopped_at, stopped.elapsed) == (
        "stopped",
        "condition",
        at("2026-12-01T11:30"),
        timedelta(hours=1, minutes=30),
    )
    [idle] = clocks_for(rule_set, never, history, now)
    assert (idle.state, idle.started_at, idle.elapsed, idle.due_at) == ("not_started", None, timedelta(), None)


def test_a_preset_may_override_its_start() -> None:
    rule_set = one_policy("first_response: {start: customer_message, targets: {default: 4h}}")
    clock = _clock(rule_set, "2026-12-01T09:00", "2026-12-01T12:00", customer=("2026-12-01T10:00",))
    assert clock.started_at == at("2026-12-01T10:00")


def test_events_after_now_are_ignored() -> None:
    clock = _clock(one_policy(FOUR_HOURS), "2026-12-01T09:00", "2026-12-01T10:00", agent=("2026-12-01T11:00",))
    assert (clock.state, clock.elapsed) == ("running", timedelta(hours=1))


def test_the_tickets_current_status_wins_over_a_lagging_timeline() -> None:
    # given a timeline that has not heard of the close the mirror already shows
    rule_set = one_policy("resolution: {targets: {default: 8h}}")
    closed = sla_ticket(status="Closed", statusType="Closed", modifiedTime="2026-12-01T12:00:00.000Z")
    [clock] = clocks_for(rule_set, closed, timeline("2026-12-01T09:00"), at("2026-12-01T15:00"))
    # then the clock stopped at the ticket's modifiedTime
    assert (clock.state, clock.stopped_at, clock.elapsed) == ("stopped", at("2026-12-01T12:00"), timedelta(hours=3))


# ---------------------------------------------------------------------------------------------- targets and policies
def test_targets_follow_the_priority_then_the_default_and_without_either_there_is_no_clock() -> None:
    rule_set = one_policy("""\
        first_response: {targets: {Urgent: 1h, high: 2h}}
        resolution: {targets: {Urgent: 8h, default: 40h}}
        """)
    history, now = timeline("2026-12-01T09:00"), at("2026-12-01T09:30")
    urgent = clocks_for(rule_set, sla_ticket(priority="urgent"), history, now)
    high = clocks_for(rule_set, sla_ticket(priority="High"), history, now)
    low = clocks_for(rule_set, sla_ticket(priority="Low"), history, now)
    none = clocks_for(rule_set, sla_ticket(priority=None), history, now)
    assert [(clock.metric, clock.target) for clock in urgent] == [
        ("first_response", timedelta(hours=1)),
        ("resolution", timedelta(hours=8)),
    ]
    assert [clock.target for clock in high] == [timedelta(hours=2), timedelta(hours=40)]
    assert [(clock.metric, clock.target) for clock in low] == [("resolution", timedelta(hours=40))]
    assert [clock.metric for clock in none] == ["resolution"]


POLICIES = """\
- id: off
  enabled: false
  metrics: {first_response: {targets: {default: 1m}}}
- id: vip
  if: {field: contact.account.accountName, in: [Zylker]}
  metrics: {first_response: {targets: {default: 1h}}}
- id: billing
  if: {field: department.name, equals: Billing}
  calendar: newyork
  metrics: {first_response: {targets: {default: 2h}}}
- id: rest
  calendar: berlin
  metrics: {first_response: {targets: {default: 4h}}}
"""


@pytest.mark.parametrize(
    ("fields", "policy"),
    [
        ({"contact": {"account": {"accountName": "Zylker"}}, "department": {"name": "Billing"}}, "vip"),
        ({"department": {"name": "Billing"}}, "billing"),
        ({}, "rest"),
    ],
)
def test_the_first_enabled_policy_that_applies_governs_the_ticket(fields, policy) -> None:
    [clock] = clocks_for(policies(POLICIES), sla_ticket(**fields), timeline("2026-12-01T09:00"), at("2026-12-01T10:00"))
    assert clock.policy == policy


def test_no_policy_no_clocks() -> None:
    rule_set = policies(
        "- id: vip\n  if: {field: priority, equals: Urgent}\n  metrics: {first_response: {targets: {default: 1h}}}\n"
    )
    assert clocks_for(rule_set, sla_ticket(), timeline("2026-12-01T09:00"), at("2026-12-01T10:00")) == []


def test_a_clock_reads_as_plain_data() -> None:
    [clock, *_] = clocks_for(
        one_policy(FIRST_RESPONSE_4H),
        sla_ticket(status="On Hold"),
        timeline("2026-12-01T09:00", statuses=PAUSED_OVERNIGHT),
        at("2026-12-01T16:00"),
    )
    assert clock.as_dict() == {
        "policy": "p",
        "metric": "first_response",
        "state": "paused",
        "cycle": "2026-12-01T09:00:00Z",
        "started_at": "2026-12-01T09:00:00Z",
        "target": "4h",
        "elapsed": "6h",
        "remaining": "-2h",
        "due_at": "2026-12-01T13:00:00Z",
        "breached": True,
        "pauses": [["2026-12-01T15:00:00Z", None]],
        "stopped_at": None,
        "stopped_by": None,
        "cycles": 1,
    }


def test_now_may_be_an_iso_string_but_not_nonsense() -> None:
    rule_set = one_policy(FOUR_HOURS)
    assert clocks_for(rule_set, sla_ticket(), timeline("2026-12-01T09:00"), "2026-12-01T10:00:00Z")
    with pytest.raises(ValueError, match="now: expected"):
        clocks_for(rule_set, sla_ticket(), Timeline(at("2026-12-01T09:00")), "soon")
