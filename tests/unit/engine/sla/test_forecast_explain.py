"""`sla forecast` rows and `sla explain` text."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.engine.sla.support import FIRST_RESPONSE_4H, at, one_policy, policies, sla_ticket, timeline
from worker.engine.sla import explain, forecast

RULES = one_policy(FIRST_RESPONSE_4H + "resolution: {targets: {default: 5h}}\n")


def _ticket(number: str, created: str, status: str = "Open", **history):
    return (sla_ticket(id=f"t{number}", ticketNumber=number, status=status), timeline(created, **history))


def test_the_forecast_lists_the_levels_due_in_the_window_breaches_first() -> None:
    # given two running tickets, one paused, one answered (created 09:00 and 10:00 unless said otherwise)
    tickets = [
        _ticket("2", "2026-12-01T10:00"),
        _ticket("10", "2026-12-01T09:00"),
        _ticket(
            "3", "2026-12-01T09:00", "On Hold", statuses=(("2026-12-01T09:00", "Open"), ("2026-12-01T11:00", "On Hold"))
        ),
        _ticket("4", "2026-12-01T09:00", agent=("2026-12-01T09:30",)),
    ]
    # when the next two hours are forecast at 12:00
    rows = forecast(RULES, tickets, at("2026-12-01T12:00"), timedelta(hours=2))
    # then the levels due in (12:00, 14:00] are listed: breaches and later levels by due time, then warnings; a
    # metric without a level at its breach gets a level-0 "breach" row; paused and stopped clocks are left out
    assert [(row.ticket_number, row.metric, row.level, row.name, row.due_at.strftime("%H:%M")) for row in rows] == [
        ("10", "first_response", 2, "breach", "13:00"),
        ("2", "first_response", 2, "breach", "14:00"),  # ties: by ticket number (as numbers), then metric
        ("4", "resolution", 0, "breach", "14:00"),
        ("10", "resolution", 0, "breach", "14:00"),
        ("10", "first_response", 1, "warning", "12:30"),
        ("2", "first_response", 1, "warning", "13:30"),
    ]
    assert rows[0].as_dict() == {
        "ticket_id": "t10",
        "ticket_number": "10",
        "policy": "p",
        "metric": "first_response",
        "level": 2,
        "name": "breach",
        "offset": "0",
        "due_at": "2026-12-01T13:00:00Z",
        "breach_at": "2026-12-01T13:00:00Z",
    }


def test_the_window_is_open_at_now_and_closed_at_its_end_in_business_time() -> None:
    tickets = [_ticket("1", "2026-12-01T09:00")]
    at_warning = forecast(RULES, tickets, at("2026-12-01T12:30"), timedelta(minutes=30))
    assert [(row.level, row.due_at) for row in at_warning] == [(2, at("2026-12-01T13:00"))]
    # Friday evening: the breach of a ticket created Friday 15:00 Berlin is on Monday
    friday = [_ticket("5", "2026-12-04T14:00")]
    assert forecast(RULES, friday, at("2026-12-04T16:00"), timedelta(hours=24)) == []
    monday = forecast(RULES, friday, at("2026-12-04T16:00"), timedelta(days=3))
    assert [(row.metric, row.level, row.due_at) for row in monday][:2] == [
        ("first_response", 2, at("2026-12-07T10:00")),
        ("resolution", 0, at("2026-12-07T11:00")),
    ]


def test_no_policies_no_forecast() -> None:
    assert (
        forecast(policies("[]\n"), [_ticket("1", "2026-12-01T09:00")], at("2026-12-01T12:00"), timedelta(hours=4)) == []
    )


EXPLAINED = policies("""\
- id: vip
  if: {field: contact.account.accountName, in: [Zylker, Acme]}
  metrics: {first_response: {targets: {default: 1h}}}
- id: old
  enabled: false
  metrics: {first_response: {targets: {default: 1h}}}
- id: support
  name: Support hours
  calendar: berlin
  metrics:
    first_response:
      targets: {default: 4h}
      escalations:
        - {at: -30m, name: warning, then: [{comment: {text: w}}]}
        - {at: 0, name: breach, then: [{comment: {text: b}}]}
        - {at: +2h, then: [{comment: {text: l3}}]}
    next_response: {targets: {Urgent: 1h}}
    resolution:
      targets: {default: 16h}
      escalations: [{at: 0, then: [{comment: {text: r}}]}]
""")
PAUSED_AN_HOUR = (("2026-12-01T09:00", "Open"), ("2026-12-01T10:00", "On Hold"), ("2026-12-01T11:00", "Open"))
WARNED = {"support|first_response|2026-12-01T09:00:00Z|1"}


def test_explain_shows_the_policy_why_not_the_others_and_each_clock_with_its_levels() -> None:
    text = explain(
        EXPLAINED, sla_ticket(), timeline("2026-12-01T09:00", statuses=PAUSED_AN_HOUR), at("2026-12-01T14:30"), WARNED
    )
    assert text.splitlines() == [
        "Ticket #1042 (1892000000143237) at 2026-12-01T14:30:00Z",
        'Policy support (rules.yaml:24) "Support hours": calendar berlin (Europe/Berlin), pauses in On Hold',
        "  not vip (rules.yaml:18): contact.account.accountName in ['Zylker', 'Acme']: actual 'Globex'",
        "  not old (rules.yaml:21): disabled",
        "  first_response  RUNNING, BREACHED",
        "    started   2026-12-01T09:00:00Z (cycle 1)",
        "    target    4h (priority 'High')",
        "    elapsed   4h30m business time; 30m over",
        "    due       2026-12-01T14:00:00Z",
        "    pauses    2026-12-01T10:00:00Z - 2026-12-01T11:00:00Z",
        "    level 1 warning (-30m)    2026-12-01T13:30:00Z  fired",
        "    level 2 breach (0)        2026-12-01T14:00:00Z  DUE (not fired yet)",
        "    level 3 (+2h)             2026-12-01T16:00:00Z  to come",
        "  next_response  no clock: no target for priority 'High' and no default",
        "  resolution  RUNNING",
        "    started   2026-12-01T09:00:00Z (cycle 1)",
        "    target    16h (priority 'High')",
        "    elapsed   4h30m business time; 11h30m left",
        "    due       2026-12-03T10:00:00Z",
        "    pauses    2026-12-01T10:00:00Z - 2026-12-01T11:00:00Z",
        "    level 1 (0)               2026-12-03T10:00:00Z  to come",
        "Next level: first_response level 3 (+2h) at 2026-12-01T16:00:00Z",
    ]


def test_explain_says_when_clocks_stopped_or_wait_and_that_their_levels_are_cancelled() -> None:
    answered = (
        timeline("2026-12-01T09:00", statuses=PAUSED_AN_HOUR)
        .with_agent_response(at("2026-12-01T12:00"))
        .with_status(at("2026-12-01T13:00"), "Closed")
    )
    stopped = explain(EXPLAINED, sla_ticket(status="Closed"), answered, at("2026-12-01T14:30"), WARNED)
    assert "  first_response  STOPPED" in stopped
    assert "    stopped   2026-12-01T12:00:00Z (met: an agent responded)" in stopped
    assert "    stopped   2026-12-01T13:00:00Z (stopped: the ticket was closed)" in stopped
    assert "    level 2 breach (0)        -                     cancelled (the clock stopped)" in stopped
    assert stopped.endswith("Next level: none to come")
    on_hold = timeline("2026-12-01T09:00", statuses=PAUSED_AN_HOUR).with_status(at("2026-12-01T12:00"), "On Hold")
    paused = explain(EXPLAINED, sla_ticket(status="On Hold"), on_hold, at("2026-12-01T14:30"))
    assert "  first_response  PAUSED" in paused and "    due       moves while paused" in paused
    assert "              2026-12-01T12:00:00Z - (paused now)" in paused
    assert "    level 1 warning (-30m)    -                     waits (paused)" in paused


def test_explain_without_a_governing_policy() -> None:
    text = explain(
        policies(
            "- id: vip\n  if: {field: priority, equals: Urgent}\n"
            "  metrics: {first_response: {targets: {default: 1h}}}\n"
        ),
        sla_ticket(ticketNumber=None),
        timeline("2026-12-01T09:00"),
        at("2026-12-01T10:00"),
    )
    assert text.splitlines() == [
        "Ticket (1892000000143237) at 2026-12-01T10:00:00Z",
        "No SLA policy applies",
        "  not vip (rules.yaml:18): priority equals 'Urgent': actual 'High'",
    ]
    assert explain(policies("[]\n"), sla_ticket(), timeline("2026-12-01T09:00"), at("2026-12-01T10:00")).endswith(
        "No SLA policy applies (no policies defined)"
    )
