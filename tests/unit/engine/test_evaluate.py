"""evaluate(): a verdict for every rule, and the control keys (order, stop, enabled, dry_run, retrigger,
loop cap, once) that decide which matched rules fire."""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import NOW, rules, run, ticket
from worker.engine.evaluate import Event, MemoryHistory, evaluate
from worker.engine.ruleset import RuleSet

THREE = """
rules:
  - id: first
    on: ticket.updated
    then: [{update: {priority: High}}]
    EXTRA
  - id: second
    on: [ticket.updated, ticket.created]
    if: {field: status, equals: Open}
    then: [{comment: {text: second}}]
  - id: created-only
    on: ticket.created
    then: [{mark_spam: true}]
"""


def _three(extra: str = "") -> RuleSet:
    return rules(THREE.replace("EXTRA", extra))


def test_every_rule_gets_a_verdict_in_order() -> None:
    evaluation = run(_three(), the_ticket=ticket(status="Closed"))
    assert [(v.rule, v.status) for v in evaluation.verdicts] == [
        ("first", "fired"),
        ("second", "not_matched"),
        ("created-only", "not_triggered"),
    ]
    assert evaluation.verdict("created-only").reason == "listens to ticket.created, not ticket.updated"
    assert evaluation.fired_ids == ["first"]
    assert [action.type for action in evaluation.actions] == ["update"]


def test_stop_skips_the_rules_after_a_rule_that_fired() -> None:
    evaluation = run(_three("stop: true"))
    assert evaluation.fired_ids == ["first"]
    assert evaluation.verdict("second").status == "skipped"
    assert evaluation.verdict("second").reason == "skipped: stopped by rule 'first'"
    # and a stop rule that does not match stops nothing
    stopper = rules(
        THREE.replace("EXTRA", "stop: true").replace(
            "then: [{update: {priority: High}}]",
            "if: {field: priority, equals: Urgent}\n    then: [{update: {priority: High}}]",
        )
    )
    assert run(stopper).fired_ids == ["second"]


def test_a_dry_run_rule_fires_in_shadow_mode_and_does_not_stop_live_rules() -> None:
    evaluation = run(_three("dry_run: true\n    stop: true"))
    first = evaluation.verdict("first")
    assert first.status == "fired" and first.dry_run
    assert first.reason == "fired (dry run: planned, not executed)"
    assert [action.dry_run for action in first.actions] == [True]
    assert evaluation.fired_ids == ["first", "second"]


def test_a_disabled_rule_is_not_evaluated() -> None:
    verdict = run(_three("enabled: false")).verdict("first")
    assert (verdict.status, verdict.reason, verdict.matched) == ("disabled", "disabled", False)


def test_changes_made_by_deskpilot_trigger_only_rules_that_opt_in() -> None:
    rule_set = _three("retrigger: true")
    evaluation = run(rule_set, by_deskpilot=True)
    assert evaluation.fired_ids == ["first"]
    assert evaluation.verdict("second").reason == "skipped: change made by deskpilot (retrigger false)"
    assert run(rule_set).fired_ids == ["first", "second"]


@pytest.mark.parametrize(
    ("extra", "fires_before", "fires"),
    [
        ("", 2, True),
        ("", 3, False),
        ("max_fires_per_ticket_per_hour: 1", 1, False),
        ("max_fires_per_ticket_per_hour: 10", 9, True),
    ],
)
def test_the_loop_cap_counts_fires_of_the_rule_on_the_ticket_in_the_last_hour(
    extra: str, fires_before: int, fires: bool
) -> None:
    history = MemoryHistory(fires={("first", "1892000000143237"): fires_before})
    verdict = run(_three(extra), history=history).verdict("first")
    assert verdict.fired is fires
    if not fires:
        cap = 1 if "1" in extra else 3
        assert verdict.reason == (
            f"skipped: loop cap reached ({fires_before} fires on this ticket in the last "
            f"hour; max_fires_per_ticket_per_hour is {cap})"
        )
        assert verdict.matched


def test_a_retriggering_rule_stops_looping_at_the_cap() -> None:
    # given a rule that reacts to its own changes / when the pipeline feeds its changes back, recording fires
    rule_set = rules("""
        rules:
          - id: bounce
            on: ticket.updated
            retrigger: true
            then: [{update: {priority: High}}]
        """)
    history = MemoryHistory()
    statuses = []
    for _ in range(5):
        evaluation = run(rule_set, by_deskpilot=True, history=history)
        history.record(evaluation)
        statuses.append(evaluation.verdict("bounce").status)
    # then it fires three times, then the loop breaker holds it
    assert statuses == ["fired", "fired", "fired", "skipped", "skipped"]


def test_once_per_ticket_fires_once_per_ticket() -> None:
    rule_set = _three("once: per_ticket")
    history = MemoryHistory()
    first = run(rule_set, history=history)
    assert first.verdict("first").once == "per_ticket" and first.verdict("first").anchor is None
    history.record(first)
    again = run(rule_set, history=history).verdict("first")
    assert (again.status, again.reason) == ("skipped", "skipped: already fired once")
    assert run(rule_set, the_ticket=ticket(id="2"), history=history).verdict("first").fired


def test_once_per_anchor_re_arms_when_the_anchor_changes() -> None:
    rule_set = _three("once: {per_anchor: customerResponseTime}")
    history = MemoryHistory()
    first = run(rule_set, history=history)
    assert first.verdict("first").anchor == "2026-12-01T09:00:00.000Z"
    assert first.verdict("first").as_dict()["once"] == {"mode": "per_anchor", "anchor": "2026-12-01T09:00:00.000Z"}
    history.record(first)
    again = run(rule_set, history=history).verdict("first")
    assert again.reason == "skipped: already fired once for customerResponseTime='2026-12-01T09:00:00.000Z'"
    later = ticket(customerResponseTime="2026-12-01T09:45:00.000Z")
    assert run(rule_set, the_ticket=later, history=history).verdict("first").fired


def test_only_restricts_a_sweep_to_the_rules_due() -> None:
    rule_set = rules("""
        rules:
          - id: hourly
            on: {schedule: {cron: "0 * * * *"}}
            once: per_ticket
            then: [{update: {priority: High}}]
          - id: daily
            on: {schedule: {cron: "0 6 * * *", timezone: Europe/Berlin}}
            once: per_ticket
            then: [{update: {priority: High}}]
        """)
    evaluation = run(rule_set, "schedule", only={"hourly"})
    assert evaluation.fired_ids == ["hourly"]
    assert evaluation.verdict("daily").reason == "not due in this sweep"
    assert [rule.schedule.timezone for rule in rule_set.time_rules] == ["UTC", "Europe/Berlin"]


def test_evaluate_takes_a_kind_and_a_string_time_and_refuses_bad_ones() -> None:
    rule_set = _three()
    evaluation = evaluate(rule_set, "ticket.created", ticket(), None, None, "2026-12-01T10:00:00.000Z")
    assert evaluation.fired_ids == ["second", "created-only"]
    assert evaluation.ticket_id == "1892000000143237"
    assert evaluation.as_dict()["event"] == {"kind": "ticket.created", "id": "", "ticket_id": "1892000000143237"}
    with pytest.raises(ValueError, match=r"unknown event kind 'ticket\.deleted'"):
        Event("ticket.deleted")
    with pytest.raises(ValueError, match="now: expected an ISO time"):
        evaluate(rule_set, "ticket.created", ticket(), now="tomorrow")


def test_the_evaluation_serialises_every_verdict() -> None:
    data = run(_three(), the_ticket=ticket(status="Closed"), now=NOW).as_dict()
    assert data["now"] == "2026-12-01T10:00:00+00:00"
    first, second, third = data["verdicts"]
    assert first["status"] == "fired" and first["actions"][0]["update"] == {"priority": "High"}
    assert second == {
        "rule": "second",
        "version": second["version"],
        "status": "not_matched",
        "matched": False,
        "reason": "status equals 'Open': actual 'Closed'",
        "dry_run": False,
        "failure": {"path": "status", "operator": "equals", "expected": "Open", "actual": "Closed"},
        "actions": [],
    }
    assert third["status"] == "not_triggered"
