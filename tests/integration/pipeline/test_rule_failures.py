"""A rule's failure is visible and that rule's alone, through the worker's parts on a real redis-server: audited,
counted in deskpilot_rule_errors_total{rule}, logged as rule.failed; the others act and the event is finished."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from structlog.testing import capture_logs

from tests.integration.pipeline.act_support import action, desk_clients, direct_api, first_ticket, setup
from worker.actions.enforcer import ApplyResult
from worker.cli.ops import _audit_line
from worker.engine.directory import Directory
from worker.engine.loader import load_rules_text
from worker.engine.sla.timeline import Timeline
from worker.plan.on_event import evaluate_event
from worker.plan.sla_levels import SlaSweeper
from worker.plan.time_rules import TimeRuleSweeper
from worker.store import Store
from worker.store.records import EventRecord

ORG = "2389290"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
RULES = """
rules:
  - id: divides
    on: ticket.updated
    then:
      - comment: {text: "{{ 1 / 0 }}"}
  - id: healthy
    on: ticket.updated
    then:
      - update: {priority: High}
"""
TICKET = {
    "id": "101",
    "status": "Open",
    "priority": "Low",
    "createdTime": "2026-11-30T09:00:00Z",
    "modifiedTime": "2026-11-30T09:00:00Z",
}


def _warnings(logs: list[dict], event: str) -> list[dict]:
    return [entry for entry in logs if entry["event"] == event and entry["log_level"] == "warning"]


def test_an_event_with_a_failing_rule_records_the_others_and_is_finished(redis_server):
    store = Store.connect(redis_server.client())
    store.events.append(
        EventRecord(
            id="ev-1",
            org=ORG,
            kind="ticket.updated",
            ticket_id="101",
            ticket=TICKET,
            changes={"priority": ("Medium", "Low")},
        )
    )
    sent: list[str] = []
    # when the event is evaluated
    with capture_logs() as logs:
        evaluate_event(store, load_rules_text(RULES), lambda org: Directory(), "ev-1", NOW, sent.append)
    # then the healthy rule's action is sent, the event is finished, and the failure is audited, counted and logged
    assert [store.ledger.get(action_id).action.rule for action_id in sent] == ["healthy"]
    assert not store.events.is_pending("ev-1")
    [audited] = [entry for entry in store.audit.query(rule="divides")]
    assert audited["verdict"]["status"] == "failed" and "ZeroDivisionError" in audited["verdict"]["reason"]
    assert store.metrics.counters()[("rule_errors_total", "divides")] == 1
    [warning] = _warnings(logs, "rule.failed")
    assert warning["rule"] == "divides" and warning["ticket"] == "101" and "then[0].comment.text" in warning["cause"]


def test_a_time_rule_failing_on_every_ticket_is_audited_per_ticket_and_logged_once_per_sweep(redis_server):
    store = Store.connect(redis_server.client())
    store.mirror.put_many(ORG, {str(n): {**TICKET, "id": str(n)} for n in range(3)})
    rules = load_rules_text("""
rules:
  - id: nightly
    on: {schedule: {cron: "0 2 * * *"}}
    once: per_ticket
    then:
      - comment: {text: "{{ ticket.priority | int // 0 }}"}
""")
    with capture_logs() as logs:
        result = TimeRuleSweeper(store, rules, lambda org: Directory(), lambda _: None).sweep("nightly", NOW, [ORG])
    assert result.fired == 0 and result.actions == []
    assert [entry["verdict"]["status"] for entry in store.audit.query(rule="nightly")] == ["failed"] * 3
    assert store.metrics.counters()[("rule_errors_total", "nightly")] == 3
    [warning] = _warnings(logs, "rule.failed")
    assert warning["rule"] == "nightly" and warning["tickets"] == 3 and "ZeroDivisionError" in warning["cause"]


def test_an_sla_level_that_fails_is_audited_counted_and_logged_and_the_next_level_still_fires(redis_server):
    store = Store.connect(redis_server.client())
    rules = load_rules_text("""
sla_policies:
  - id: quick
    metrics:
      first_response:
        targets: {default: 1h}
        escalations:
          - {at: -30m, name: warn, then: [{comment: {text: "{{ sla.level / 0 }}"}}]}
          - {at: 0, name: breach, then: [{comment: {text: "breached"}}]}
""")
    created = NOW - timedelta(minutes=10)
    stamp = created.isoformat().replace("+00:00", "Z")
    store.mirror.put_many(ORG, {"7": {**TICKET, "id": "7", "createdTime": stamp, "modifiedTime": stamp}})
    store.timelines.put_many(ORG, {"7": Timeline(created, (created,), (), ((created, "Open"),)).to_dict()})
    sent: list[str] = []
    sweeper = lambda: SlaSweeper(store, rules, lambda org: Directory(), sent.append)  # noqa: E731
    sweeper().sweep([ORG], NOW)  # the policy is in place from here
    with capture_logs() as logs:
        sweeper().sweep([ORG], NOW + timedelta(hours=1))
    assert len(sent) == 1  # the breach level acted
    failed = [entry for entry in store.audit.query(rule="sla:quick") if entry.get("error")]
    assert len(failed) == 1 and "ZeroDivisionError" in failed[0]["error"]
    assert store.metrics.counters()[("rule_errors_total", "sla:quick")] == 1
    [warning] = _warnings(logs, "rule.failed")
    assert warning["rule"] == "sla:quick" and warning["ticket"] == "7"
    # and `deskpilot audit --rule sla:quick` shows the level's failure
    assert "-> failed: then[0].comment.text" in _audit_line(failed[0])


def test_a_ticket_whose_clocks_raise_does_not_stop_the_sla_sweep_of_the_others(redis_server):
    store = Store.connect(redis_server.client())
    rules = load_rules_text("""
sla_policies:
  - id: quick
    metrics:
      first_response:
        targets: {default: 1h}
        escalations:
          - {at: 0, name: breach, then: [{comment: {text: "breached"}}]}
""")
    created = NOW - timedelta(minutes=10)
    stamp = created.isoformat().replace("+00:00", "Z")
    store.mirror.put_many(
        ORG,
        {
            ticket_id: {**TICKET, "id": ticket_id, "createdTime": stamp, "modifiedTime": stamp}
            for ticket_id in ("bad", "good")
        },
    )
    timeline = Timeline(created, (created,), (), ((created, "Open"),)).to_dict()
    store.timelines.put_many(ORG, {"bad": {**timeline, "created": "not a time"}, "good": timeline})
    sent: list[str] = []
    sweeper = lambda: SlaSweeper(store, rules, lambda org: Directory(), sent.append)  # noqa: E731
    sweeper().sweep([ORG], NOW)
    with capture_logs() as logs:
        result = sweeper().sweep([ORG], NOW + timedelta(hours=1))
    assert [ticket for ticket, _, _ in result.escalations] == ["good"] and len(sent) == 1
    [warning] = _warnings(logs, "rule.failed")
    assert warning["rule"] == "sla" and warning["ticket"] == "bad" and "ValueError" in warning["cause"]
    assert store.metrics.counters()[("rule_errors_total", "sla")] == 2  # once per sweep while it stays broken


def test_an_action_the_desk_refuses_for_the_rules_fault_is_a_warning_and_a_counter(sandbox, redis_server):
    settings, store, enforcer = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    entry = {
        "hoursSpent": "1",
        "minutesSpent": "0",
        "secondsSpent": "0",
        "executedTime": "2026-12-01T10:00:00.000Z",
        "owner": "gone@zylker.com",
        "ownerId": "1",
    }  # an agent the Desk does not have
    store.ledger.record("a1", action(sandbox, ticket, "time_entry", entry))
    with desk_clients(settings, store) as client_for, capture_logs() as logs:
        assert enforcer.apply("a1", client_for) is ApplyResult.FAILED
    [warning] = _warnings(logs, "action.rule_error")
    assert warning["rule"] == "r" and warning["ticket"] == ticket["id"] and warning["type"] == "time_entry"
    assert warning["cause"]
    assert store.metrics.counters()[("action_rule_errors_total", "r")] == 1
