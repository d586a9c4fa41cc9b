"""Rule language v2: business hours now, shared lists, the text field, contact and account fields, SLA state.

Every evaluation runs at a fixed `now`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.engine.helpers import errors, problems, rules
from worker.engine.evaluate import evaluate
from worker.engine.facts import Needs, needs, ticket_text, view
from worker.engine.loader import check_sources
from worker.engine.ruletests import Case, run_case
from worker.engine.sla.state import sla_fields
from worker.engine.sla.timeline import Timeline

CALENDAR = """
calendars:
  support:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays: [{date: 2026-12-25}]
"""
OUT_OF_HOURS = (
    CALENDAR
    + """
rules:
  - id: out-of-hours
    on: ticket.created
    if: {business_hours: {calendar: support, is: closed}}
    then: [{comment: {text: closed}}]
  - id: in-hours
    on: ticket.created
    if: {business_hours: {calendar: support}}
    then: [{comment: {text: open}}]
"""
)
TICKET = {"id": "1", "subject": "Refund please", "description": "Order 42", "contactId": "7", "priority": "High"}


def fired(rule_set, ticket=TICKET, now="2026-12-01T10:00:00Z", **kw):
    return evaluate(rule_set, "ticket.created", ticket, now=now, **kw).fired_ids


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-12-01T10:00:00Z", ["in-hours"]),  # Tuesday 11:00 Berlin
        ("2026-12-01T17:30:00Z", ["out-of-hours"]),  # Tuesday 18:30 Berlin
        ("2026-12-05T10:00:00Z", ["out-of-hours"]),  # Saturday
        ("2026-12-25T10:00:00Z", ["out-of-hours"]),  # Friday, a holiday
        ("2026-12-01T08:00:00Z", ["in-hours"]),  # 09:00 Berlin: opening instant is open
    ],
)
def test_business_hours_reads_the_calendar_at_the_events_time(now, expected):
    assert fired(rules(OUT_OF_HOURS), now=now) == expected


def test_business_hours_says_why_it_did_not_hold():
    evaluation = evaluate(rules(OUT_OF_HOURS), "ticket.created", TICKET, now="2026-12-05T10:00:00Z")
    reason = evaluation.verdict("in-hours").reason
    assert reason == "business_hours.support is 'open': actual 'closed (Sat 2026-12-05 11:00 Europe/Berlin)'"


def test_a_time_rule_reads_business_hours_at_its_tick():
    rule_set = rules(
        CALENDAR
        + """
rules:
  - id: nudge
    on: {schedule: {cron: "0 * * * *", only_when_open: support}}
    once: per_ticket
    if: {business_hours: {calendar: support}}
    then: [{comment: {text: nudge}}]
"""
    )
    assert rule_set.get("nudge").schedule.only_when_open == "support"
    assert evaluate(rule_set, "schedule", TICKET, now="2026-12-01T10:00:00Z").fired_ids == ["nudge"]
    assert evaluate(rule_set, "schedule", TICKET, now="2026-12-25T10:00:00Z").fired_ids == []


def test_unknown_calendars_are_load_errors_at_their_line():
    found = errors(
        """
        rules:
          - id: a
            on: ticket.created
            if: {business_hours: {calendar: nope}}
            then: [{comment: {text: x}}]
          - id: b
            on: {schedule: {cron: "0 9 * * *", only_when_open: nope}}
            once: per_ticket
            then: [{comment: {text: x}}]
        """
    )
    assert found == [
        "rules.yaml:5:37: unknown calendar 'nope'; expected one of: none defined",
        "rules.yaml:8:9: only_when_open: unknown calendar 'nope'; expected one of: none defined",
    ]


def test_business_hours_is_open_or_closed_only():
    found = errors(
        CALENDAR
        + """
rules:
  - id: a
    on: ticket.created
    if: {business_hours: {calendar: support, is: shut}}
    then: [{comment: {text: x}}]
"""
    )
    assert len(found) == 1 and "unexpected value 'shut'; expected 'open' or 'closed'" in found[0]


LISTS = """
lists:
  vip_accounts: [Acme, Zylker]
  angry_words: [refund, chargeback, lawyer]
  order_patterns: ['order \\d+', 'invoice #\\d+']
rules:
  - id: vip
    on: ticket.created
    if: {field: account.accountName, in: {list: vip_accounts}}
    then: [{comment: {text: vip}}]
  - id: not-vip
    on: ticket.created
    if: {field: account.accountName, not_in: {list: vip_accounts}}
    then: [{comment: {text: not vip}}]
  - id: angry
    on: ticket.created
    if: {field: text, contains_any: {list: angry_words}, ignore_case: true}
    then: [{comment: {text: angry}}]
  - id: order
    on: ticket.created
    if: {field: text, matches_any: {list: order_patterns}, ignore_case: true}
    then: [{comment: {text: order}}]
  - id: inline
    on: ticket.created
    if: {field: subject, contains_any: [nothing, Refund]}
    then: [{comment: {text: inline}}]
"""


def test_shared_lists_serve_in_not_in_contains_any_and_matches_any():
    rule_set = rules(LISTS)
    assert fired(rule_set, facts={"account": {"accountName": "Acme"}}) == ["vip", "angry", "order", "inline"]
    calm = {**TICKET, "subject": "Hello", "description": "a question"}
    assert fired(rule_set, calm, facts={"account": {"accountName": "Initech"}}) == ["not-vip"]


def test_an_unknown_list_is_an_error_and_an_unused_one_a_warning():
    found = problems(
        """
        lists:
          spare: [a]
        rules:
          - id: a
            on: ticket.created
            if: {field: subject, in: {list: vips}}
            then: [{comment: {text: x}}]
        """
    )
    assert found == [
        "rules.yaml:3:3: warning: list 'spare' is not used by any condition",
        "rules.yaml:7:37: unknown list 'vips'; expected one of: spare (top-level lists:)",
    ]


def test_a_pattern_list_refused_by_re2_is_an_error_where_it_is_used():
    found = errors(
        """
        lists:
          bad: ['(?=x)']
        rules:
          - id: a
            on: ticket.created
            if: {field: subject, matches_any: {list: bad}}
            then: [{comment: {text: x}}]
        """
    )
    assert len(found) == 1 and found[0].startswith("rules.yaml:7:46: list 'bad': invalid regular expression")


def test_lists_are_shared_across_files_and_defined_once():
    rule_file = "rules:\n  - id: a\n    on: ticket.created\n    if: {field: subject, in: {list: vips}}\n"
    rule_file += "    then: [{comment: {text: x}}]\n"
    rule_set, found = check_sources([("rules/a.yaml", rule_file), ("rules/lists.yaml", "lists:\n  vips: [Hi]\n")])
    assert rule_set is not None and not found
    assert fired(rule_set, {**TICKET, "subject": "Hi"}) == ["a"]
    _, found = check_sources([("a.yaml", "lists:\n  vips: [x]\n"), ("b.yaml", "lists:\n  vips: [y]\n")])
    assert "b.yaml:2:3: list 'vips' is already defined at a.yaml:2:3" in [str(problem) for problem in found]


def test_the_text_field_is_subject_description_and_latest_customer_message():
    assert ticket_text(TICKET) == "Refund please\nOrder 42"
    with_reply = {**TICKET, "description": None, "latest_customer_reply_text": "still broken"}
    assert ticket_text(with_reply) == "Refund please\nstill broken"
    rule_set = rules(
        """
        rules:
          - id: broken
            on: ticket.created
            if: {field: text, matches: 'broken|order \\d+', ignore_case: true}
            then: [{comment: {text: x}}]
        """
    )
    assert fired(rule_set) == ["broken"]
    assert fired(rule_set, with_reply) == ["broken"]
    assert fired(rule_set, {**TICKET, "description": ""}) == []


def test_what_a_rule_set_needs_beyond_the_ticket():
    def needs_of(path: str) -> Needs:
        condition = f"{{field: {path}, exists: true}}"
        text = f"rules:\n  - id: a\n    on: ticket.created\n    if: {condition}\n"
        return needs(rules(text + "    then: [{comment: {text: x}}]\n"))

    assert needs_of("contact.email") == Needs()  # the embedded contact: no call
    assert needs_of("contact.account.accountName") == Needs()
    assert needs_of("contact.cf.cf_tier") == Needs(contact=True)
    assert needs_of("contact.city") == Needs(contact=True)
    assert needs_of("account.accountName") == Needs(account=True)
    assert needs_of("sla.first_response.breached") == Needs(sla=True)
    assert needs_of("text") == Needs(text=True)


def test_only_the_rules_listening_to_the_event_decide_what_is_fetched():
    rule_set = rules(
        """
        rules:
          - id: a
            on: ticket.updated
            if: {field: account.accountName, exists: true}
            then: [{comment: {text: x}}]
        """
    )
    assert needs(rule_set, "ticket.updated") == Needs(account=True)
    assert needs(rule_set, "ticket.created") == Needs()


def test_sla_policies_cannot_read_fetched_fields():
    found = errors(
        """
        sla_policies:
          - id: p
            if: {field: account.accountName, equals: Acme}
            metrics:
              first_response: {targets: {default: 1h}}
        """
    )
    assert len(found) == 1
    assert found[0].startswith(
        "rules.yaml:4:17: 'account.accountName' is not available to SLA policies: their sweep reads the mirrored "
        "ticket only"
    )


def test_contact_and_account_fields_are_laid_over_the_ticket():
    ticket = {**TICKET, "contact": {"id": "7", "email": "a@b.co", "account": {"accountName": "Acme"}}}
    seen = view(ticket, {"contact": {"cf": {"cf_tier": "gold"}}, "account": {"accountName": "Acme"}}, Needs())
    assert seen["contact"] == {
        "id": "7",
        "email": "a@b.co",
        "account": {"accountName": "Acme"},
        "cf": {"cf_tier": "gold"},
    }
    assert seen["account"] == {"accountName": "Acme"}
    assert view(ticket, None, Needs()) is ticket  # nothing to add: no copy
    rule_set = rules(
        """
        rules:
          - id: gold
            on: ticket.created
            if:
              all:
                - {field: contact.cf.cf_tier, equals: gold}
                - {field: contact.email, ends_with: "@b.co"}
                - {field: account.accountName, equals: Acme}
            then: [{comment: {text: x}}]
        """
    )
    assert fired(rule_set, ticket, facts={"contact": {"cf": {"cf_tier": "gold"}}, "account": {"accountName": "Acme"}})
    assert fired(rule_set, ticket) == []  # not fetched: the fields read as missing


SLA = """
sla_policies:
  - id: support-sla
    metrics:
      first_response:
        targets: {High: 1h, default: 4h}
        escalations:
          - {at: -30m, name: warning, then: [{comment: {text: soon}}]}
          - {at: 0, name: breach, then: [{comment: {text: late}}]}
rules:
  - id: hurry
    on: schedule
    once: per_ticket
    if:
      all:
        - {field: sla.first_response.remaining, lt: 30m}
        - {field: sla.first_response.breached, equals: false}
    then: [{update: {priority: Urgent}}]
  - id: breached
    on: ticket.updated
    if: {field: sla.first_response.breached, equals: true}
    then: [{comment: {text: breached}}]
"""
CREATED = {**TICKET, "createdTime": "2026-12-01T09:00:00Z", "status": "Open"}


def test_sla_state_fields_of_a_running_clock():
    rule_set = rules(SLA.replace("on: schedule", 'on: {schedule: {cron: "* * * * *"}}'))
    timeline = Timeline.from_threads(CREATED, [])
    state = sla_fields(rule_set, CREATED, timeline, parse("2026-12-01T09:40:00Z"))
    clock = state["first_response"]
    assert state["policy"] == "support-sla"
    assert (clock["state"], clock["remaining"], clock["elapsed"], clock["target"]) == (
        "running",
        timedelta(minutes=20),
        timedelta(minutes=40),
        timedelta(hours=1),
    )
    assert (clock["breached"], clock["level"], clock["due_at"]) == (False, 1, "2026-12-01T10:00:00Z")
    late = sla_fields(rule_set, CREATED, timeline, parse("2026-12-01T10:05:00Z"))["first_response"]
    assert (late["breached"], late["level"], late["remaining"]) == (True, 2, -timedelta(minutes=5))
    answered = timeline.with_agent_response(parse("2026-12-01T09:50:00Z"))
    met = sla_fields(rule_set, CREATED, answered, parse("2026-12-01T09:55:00Z"))["first_response"]
    assert (met["state"], met["remaining"], met["elapsed"], met["breached"]) == (
        "stopped",
        None,  # a met clock has nothing left to race: remaining lt 30m does not hold
        timedelta(minutes=50),
        False,
    )


def test_sla_state_in_conditions_of_time_and_event_rules():
    rule_set = rules(SLA.replace("on: schedule", 'on: {schedule: {cron: "* * * * *"}}'))
    timeline = Timeline.from_threads(CREATED, [])

    def run(kind: str, now: str) -> list[str]:
        facts = {"sla": sla_fields(rule_set, CREATED, timeline, parse(now))}
        return evaluate(rule_set, kind, CREATED, now=now, facts=facts).fired_ids

    assert run("schedule", "2026-12-01T09:20:00Z") == []  # 40m left
    assert run("schedule", "2026-12-01T09:40:00Z") == ["hurry"]
    assert run("schedule", "2026-12-01T10:05:00Z") == []  # breached
    assert run("ticket.updated", "2026-12-01T10:05:00Z") == ["breached"]
    failure = (
        evaluate(
            rule_set,
            "schedule",
            CREATED,
            now="2026-12-01T09:20:00Z",
            facts={"sla": sla_fields(rule_set, CREATED, timeline, parse("2026-12-01T09:20:00Z"))},
        )
        .verdict("hurry")
        .reason
    )
    assert failure == "sla.first_response.remaining lt '30m': actual 40m"


def test_no_policy_means_no_clocks():
    rule_set = rules(
        SLA.replace("on: schedule", 'on: {schedule: {cron: "* * * * *"}}').replace(
            "  - id: support-sla\n", "  - id: support-sla\n    if: {field: priority, equals: Low}\n"
        )
    )
    assert sla_fields(rule_set, CREATED, Timeline.from_threads(CREATED, []), parse(CREATED["createdTime"])) == {
        "policy": None
    }


def test_unknown_sla_keys_are_load_errors():
    found = errors(
        "rules:\n  - id: a\n    on: ticket.created\n    if: {field: sla.first_response.left, lt: 30m}\n"
        "    then: [{comment: {text: x}}]\n"
    )
    assert len(found) == 1 and "no ticket has the field 'sla.first_response.left'" in found[0]


def test_rule_test_cases_give_contact_account_and_the_sla_timeline():
    gold = (
        "  - id: gold\n    on: ticket.created\n    if:\n      all:\n"
        "        - {field: contact.cf.cf_tier, equals: gold}\n        - {field: account.accountName, equals: Acme}\n"
        "    then: [{comment: {text: gold}}]\n"
    )
    rule_set = rules(SLA.replace("on: schedule", 'on: {schedule: {cron: "* * * * *"}}') + gold)
    case = Case.model_validate(
        {
            "name": "gold",
            "now": "2026-12-01T09:10:00Z",
            "ticket": CREATED,
            "contact": {"cf": {"cf_tier": "gold"}},
            "account": {"accountName": "Acme"},
            "expect": {"fired": ["gold"]},
        }
    )
    assert run_case(rule_set, case).diffs == []
    hurry = Case.model_validate(
        {
            "name": "hurry",
            "event": "schedule",
            "now": "2026-12-01T09:45:00Z",
            "ticket": CREATED,
            "timeline": {"created": "2026-12-01T09:00:00Z"},
            "expect": {"fired": ["hurry"]},
        }
    )
    assert run_case(rule_set, hurry).diffs == []


def parse(text: str):
    from worker.engine.values import parse_time

    return parse_time(text)


def test_rules_explain_takes_the_contact_account_and_timeline(tmp_path, capsys):
    import json

    from tests.unit.engine.test_rules_cli import deskpilot

    (tmp_path / "rules.yaml").write_text(
        SLA.replace("on: schedule", 'on: {schedule: {cron: "* * * * *"}}')
        + "  - id: gold\n    on: ticket.created\n    if: {field: contact.cf.cf_tier, equals: gold}\n"
        + "    then: [{comment: {text: gold}}]\n"
    )
    for name, data in (
        ("t.json", CREATED),
        ("c.json", {"cf": {"cf_tier": "gold"}}),
        ("tl.json", {"created": "2026-12-01T09:00:00Z"}),
    ):
        (tmp_path / name).write_text(json.dumps(data))
    files = ("--ticket-file", str(tmp_path / "t.json"), "--contact", str(tmp_path / "c.json"))
    args = ("rules", "explain", "--rules", str(tmp_path / "rules.yaml"), *files, "--now", "2026-12-01T09:45:00Z")
    assert deskpilot(*args, "--timeline", str(tmp_path / "tl.json"), "--event", "schedule") == 0
    assert "FIRED          hurry" in capsys.readouterr().out
    assert deskpilot(*args) == 0
    assert "FIRED          gold" in capsys.readouterr().out
