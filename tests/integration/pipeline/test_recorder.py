"""The plan recorder on a real redis-server: what an evaluation leaves behind (audit entries per verdict, ledger
actions chained in order, fire history), that recording it twice adds and sends nothing, and that a sweep's
batched updates are left to the sweep."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from worker.engine.directory import Directory
from worker.engine.evaluate import Evaluation, Event, evaluate
from worker.engine.loader import load_rules_text
from worker.engine.ruleset import RuleSet
from worker.plan.recorder import Recorder
from worker.store import Store
from worker.store.keys import to_ms

ORG = "2389290"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
TICKET = {
    "id": "101",
    "status": "Open",
    "priority": "Low",
    "subject": "Printer on fire",
    "createdTime": "2026-11-30T09:00:00Z",
    "modifiedTime": "2026-11-30T09:00:00Z",
}
RULES = """
rules:
  - id: triage
    order: 1
    on: ticket.updated
    if: {field: priority, equals: Low}
    then:
      - update: {priority: High}
      - comment: {text: "raised"}
      - update: {status: Escalated}
  - id: vip
    order: 2
    on: ticket.updated
    if: {field: priority, equals: Urgent}
    then:
      - comment: {text: "vip"}
  - id: halt
    order: 3
    on: ticket.updated
    stop: true
    once: per_ticket
    then:
      - comment: {text: "once"}
  - id: after-halt
    order: 4
    on: ticket.updated
    then:
      - comment: {text: "never"}
  - id: broken
    order: 0
    on: ticket.updated
    then:
      - comment: {text: "{{ 1 / 0 }}"}
"""


def link(record, name: str) -> Any:
    """A ledger action's place in its chain (`after`, `next`), whatever the record's type."""
    action = record.action
    return getattr(action, name) if hasattr(action, name) else action[name]


def chain_from(store: Store, first: str) -> list[str]:
    chain = [first]
    while link(store.ledger.get(chain[-1]), "next"):
        chain.append(link(store.ledger.get(chain[-1]), "next"))
    return chain


def evaluation_of(
    rules: RuleSet, ticket: dict[str, Any] = TICKET, event_id: str = "ev-1", store: Store | None = None
) -> Evaluation:
    event = Event("ticket.updated", ticket["id"], {"priority": ("Medium", ticket["priority"])}, False, event_id)
    history = store.history.at(to_ms(NOW)) if store else None
    return evaluate(rules, event, ticket, None, Directory(), NOW, history=history)


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def test_every_audited_verdict_has_one_entry_with_its_status(store):
    rules = load_rules_text(RULES)
    # When an evaluation with every kind of verdict is recorded
    Recorder(store, lambda _: None).record(evaluation_of(rules), rules, ORG, TICKET)
    # Then each rule has one evaluation entry with its status, ruleset version, event and ticket
    entries = {entry["rule"]: entry for entry in store.audit.query(ticket="101") if entry["entry"] == "evaluation"}
    assert {rule: entry["verdict"]["status"] for rule, entry in entries.items()} == {
        "broken": "failed",
        "triage": "fired",
        "vip": "not_matched",
        "halt": "fired",
        "after-halt": "skipped",
    }
    assert {entry["ruleset"] for entry in entries.values()} == {rules.version}
    assert {entry["event"] for entry in entries.values()} == {"ev-1"}
    assert store.metrics.counters()[("rule_errors_total", "broken")] == 1


def test_a_rules_actions_are_chained_in_order_and_only_the_first_is_sent(store):
    rules = load_rules_text(RULES)
    sent: list[str] = []
    returned = Recorder(store, sent.append).record(evaluation_of(rules), rules, ORG, TICKET)
    # Then one first action per fired rule is sent (triage, halt), and returned
    assert sorted(returned) == sorted(sent) and len(sent) == 2
    # and triage's three actions are a chain: each knows the one before and after
    chains = [chain_from(store, first) for first in sent]
    [chain] = [each for each in chains if len(each) == 3]
    assert len(chain) == 3
    assert [link(store.ledger.get(each), "after") for each in chain] == [None, chain[0], chain[1]]
    assert all(store.ledger.get(each).state == "planned" for each in chain)
    assert store.ledger.pending_count() == 4  # 3 of triage, 1 of halt; every one under the reconciler's deadline


def test_recording_an_evaluation_twice_adds_nothing_and_sends_nothing(store):
    rules = load_rules_text(RULES)
    first_sent: list[str] = []
    Recorder(store, first_sent.append).record(evaluation_of(rules), rules, ORG, TICKET)
    pending = store.ledger.pending_count()
    # When the same event is evaluated and recorded again (a crash before the event was finished)
    again: list[str] = []
    returned = Recorder(store, again.append).record(evaluation_of(rules), rules, ORG, TICKET)
    # Then the ids are the same, so nothing is new: nothing sent, no ledger entry added, fires counted once
    assert returned == [] and again == []
    assert store.ledger.pending_count() == pending
    assert store.history.at(to_ms(NOW)).fires_last_hour("triage", "101") == 1


def test_a_different_event_plans_new_actions(store):
    rules = load_rules_text(RULES)
    sent: list[str] = []
    Recorder(store, sent.append).record(evaluation_of(rules, event_id="ev-1", store=store), rules, ORG, TICKET)
    Recorder(store, sent.append).record(evaluation_of(rules, event_id="ev-2", store=store), rules, ORG, TICKET)
    # triage once per event; halt only for the first (once per ticket), so on the second after-halt is not stopped
    assert len(set(sent)) == 4
    second = [entry["verdict"]["status"] for entry in store.audit.query(rule="halt") if entry.get("event") == "ev-2"]
    assert second == ["skipped"]


def test_the_fire_history_records_fires_and_once_marks(store):
    rules = load_rules_text(RULES)
    Recorder(store, lambda _: None).record(evaluation_of(rules), rules, ORG, TICKET)
    history = store.history.at(to_ms(NOW))
    assert history.fires_last_hour("triage", "101") == 1
    assert history.fired_once("halt", "101", None)
    assert not history.fired_once("triage", "101", None)  # no `once`
    assert history.fires_last_hour("vip", "101") == 0 and history.fires_last_hour("broken", "101") == 0


def test_a_sweep_leaves_batchable_updates_out_and_records_the_rest(store):
    rules = load_rules_text("""
rules:
  - id: nightly
    on: {schedule: {cron: "0 2 * * *"}}
    once: per_ticket
    then:
      - update: {priority: High}
      - comment: {text: "swept"}
""")
    event = Event("schedule", "101", None, False, "sw-1")
    evaluation = evaluate(rules, event, TICKET, None, Directory(), NOW, only={"nightly"})
    sent: list[str] = []
    # When a sweep records with batched=True (it sends the constant update as updateMany itself)
    Recorder(store, sent.append).record(evaluation, rules, ORG, TICKET, batched=True)
    # Then only the comment is in the ledger, first of its (one-action) chain
    [only] = sent
    assert store.ledger.pending_count() == 1
    assert link(store.ledger.get(only), "after") is None and link(store.ledger.get(only), "next") is None
    # while recorded without batching, the update is a ledger action too
    other = Store.connect(store.redis)
    other.redis.flushdb()
    Recorder(other, lambda _: None).record(evaluation, rules, ORG, TICKET)
    assert other.ledger.pending_count() == 2
