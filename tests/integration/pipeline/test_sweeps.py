"""The time-rule and SLA sweeps over a mirror in a real redis-server: what fires, what a time rule batches into
updateMany calls (one per field and value, at most 100 ids each), and that running a sweep again for the same tick
(a retried or duplicated sweep message) records and sends nothing new.

Backlog at deployment and rule failures in sweeps: test_sla_sweeper.py, test_rule_failures.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from worker.engine.directory import Directory
from worker.engine.loader import load_rules_text
from worker.engine.sla.timeline import Timeline
from worker.plan.sla_levels import SlaSweeper
from worker.plan.time_rules import TimeRuleSweeper
from worker.store import Store

ORG = "2389290"
TICK = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
STAMP = "2026-11-30T09:00:00Z"
TIME_RULE = """
rules:
  - id: raise-stale
    on: {schedule: {cron: "0 2 * * *"}}
    if: {field: priority, equals: Low}
    then:
      - update: {priority: High, customFields: {cf_stale: "yes"}}
      - comment: {text: "raised overnight"}
"""
SLA = """
sla_policies:
  - id: quick
    metrics:
      first_response:
        targets: {default: 1h}
        escalations:
          - {at: -30m, name: warn, then: [{comment: {text: "30 minutes left"}}]}
          - {at: 0, name: breach, then: [{comment: {text: "breached"}}, {update: {priority: Urgent}}]}
"""


def params_of(record) -> dict[str, Any]:
    """A ledger action's parameters, whatever the record's type."""
    action = record.action
    return dict(action.params) if hasattr(action, "params") else action[action["type"]]


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def mirror(store: Store, low: int, high: int) -> None:
    tickets = {
        f"{n:04d}": {
            "id": f"{n:04d}",
            "status": "Open",
            "priority": "Low" if n < low else "High",
            "createdTime": STAMP,
            "modifiedTime": STAMP,
        }
        for n in range(low + high)
    }
    store.mirror.put_many(ORG, tickets)


def time_sweeper(store: Store, sent: list[str]) -> TimeRuleSweeper:
    return TimeRuleSweeper(store, load_rules_text(TIME_RULE), lambda org: Directory(), sent.append)


def test_a_time_rule_fires_on_matching_tickets_and_batches_its_constant_update_into_update_many(store):
    mirror(store, low=120, high=30)
    sent: list[str] = []
    # When the rule's tick is swept
    result = time_sweeper(store, sent).sweep("raise-stale", TICK, [ORG])
    # Then it fired on the 120 Low tickets only
    assert result.tickets == 150 and result.fired == 120
    bulk = [params_of(store.ledger.get(each)) for each in sent if "ids" in params_of(store.ledger.get(each))]
    comments = [each for each in sent if "text" in params_of(store.ledger.get(each))]
    # the update became updateMany calls: per field (priority, the custom field), chunks of at most 100 ids
    calls = sorted((call["fieldName"], call["fieldValue"], call["isCustomField"], len(call["ids"])) for call in bulk)
    assert calls == [
        ("cf_stale", "yes", True, 20),
        ("cf_stale", "yes", True, 100),
        ("priority", "High", False, 20),
        ("priority", "High", False, 100),
    ]
    priority_ids = sorted(ticket for call in bulk if call["fieldName"] == "priority" for ticket in call["ids"])
    assert priority_ids == [f"{n:04d}" for n in range(120)]
    # and the comment is one ledger action per ticket, sent as the first of its rule's chain
    assert len(comments) == 120
    assert sorted(result.actions) == sorted(sent) and len(sent) == 124


def test_sweeping_the_same_tick_again_records_and_sends_nothing(store):
    mirror(store, low=5, high=0)
    first: list[str] = []
    time_sweeper(store, first).sweep("raise-stale", TICK, [ORG])
    pending = store.ledger.pending_count()
    # When the same tick is swept again, by a fresh sweeper (another worker, or a retried message)
    again: list[str] = []
    result = time_sweeper(store, again).sweep("raise-stale", TICK, [ORG])
    # Then the ids are the same: nothing new is recorded or sent
    assert again == [] and result.actions == []
    assert store.ledger.pending_count() == pending
    # while the next tick (the tickets still match: the mirror did not change) plans anew
    later: list[str] = []
    time_sweeper(store, later).sweep("raise-stale", TICK + timedelta(days=1), [ORG])
    assert len(later) == len(first) and not set(later) & set(first)


def test_a_dry_run_time_rule_records_every_action_unbatched(store):
    mirror(store, low=3, high=0)
    rules = load_rules_text(TIME_RULE.replace("    then:", "    dry_run: true\n    then:"))
    sent: list[str] = []
    TimeRuleSweeper(store, rules, lambda org: Directory(), sent.append).sweep("raise-stale", TICK, [ORG])
    # Then no updateMany: each ticket's plan is in the ledger as it is (shadow mode executes nothing)
    assert not any("ids" in params_of(store.ledger.get(each)) for each in sent)
    assert len(sent) == 3 and store.ledger.pending_count() == 6


def sla_ticket(store: Store, ticket_id: str, created: datetime) -> None:
    stamp = created.isoformat().replace("+00:00", "Z")
    store.mirror.put_many(
        ORG,
        {
            ticket_id: {
                "id": ticket_id,
                "status": "Open",
                "priority": "High",
                "createdTime": stamp,
                "modifiedTime": stamp,
            }
        },
    )
    store.timelines.put_many(ORG, {ticket_id: Timeline(created, (created,), (), ((created, "Open"),)).to_dict()})


def sla_sweeper(store: Store, sent: list[str]) -> SlaSweeper:
    return SlaSweeper(store, load_rules_text(SLA), lambda org: Directory(), sent.append)


def test_the_sla_sweep_fires_each_level_when_due_once_and_not_again_on_a_rerun(store):
    start = TICK
    sla_ticket(store, "a", start)
    sla_ticket(store, "b", start + timedelta(minutes=20))
    sent: list[str] = []
    # Given the policy in place before anything is due
    assert sla_sweeper(store, sent).sweep([ORG], start).escalations == []
    # When swept once a's warning is due (at 30 m) but not b's (at 50 m)
    warned = sla_sweeper(store, sent).sweep([ORG], start + timedelta(minutes=35))
    assert [ticket for ticket, _, _ in warned.escalations] == ["a"] and len(sent) == 1
    # Then a rerun at the same moment, by a fresh sweeper, fires nothing and sends nothing
    rerun = sla_sweeper(store, sent).sweep([ORG], start + timedelta(minutes=35))
    assert rerun.escalations == [] and len(sent) == 1
    # When swept past a's breach and b's warning, each fires once; the breach plans its two actions in order
    later = sla_sweeper(store, sent).sweep([ORG], start + timedelta(minutes=61))
    assert sorted(ticket for ticket, _, _ in later.escalations) == ["a", "b"]
    assert len(sent) == 3
    assert store.ledger.pending_count() == 4  # a: warn, breach comment and update; b: warn
    audited = [(entry["ticket"], entry["level"]) for entry in store.audit.query() if entry["entry"] == "sla"]
    assert sorted(audited) == [("a", 1), ("a", 2), ("b", 1)]


def test_sla_escalation_actions_are_high_priority_and_may_spend_the_credit_reserve(store):
    # given a ticket whose SLA warning is due
    sla_ticket(store, "a", TICK)
    sent: list[str] = []
    sla_sweeper(store, sent).sweep([ORG], TICK)
    sla_sweeper(store, sent).sweep([ORG], TICK + timedelta(minutes=35))
    # then the escalation's action is recorded as high priority (the budget lets it use the reserve)
    [action_id] = sent
    assert store.ledger.get(action_id).action.priority == "high"
