"""Every producer writes the same record shape, and what it stored decodes (real redis-server)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from worker.engine.directory import Directory
from worker.engine.loader import load_rules_text
from worker.engine.planned import PlannedAction
from worker.ingest.absorb import Absorber
from worker.ingest.diff import Observation
from worker.plan.recorder import Origin, record_plan
from worker.plan.time_rules import TimeRuleSweeper
from worker.store import Store
from worker.store.records import EventRecord, LedgerAction

ORG = "2389290"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
TICKET = {
    "id": "101",
    "status": "Open",
    "priority": "High",
    "createdTime": "2026-11-30T09:00:00Z",
    "modifiedTime": "2026-12-01T09:59:00.000Z",
}
ACTION_KEYS = set(json.loads(LedgerAction(rule="r", type="comment", params={}, ticket="1", org=ORG).encode())) - {
    "comment"
}


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def stored_action(store: Store, action_id: str) -> dict:
    return json.loads(store.redis.hget(store.keys.key("action", action_id), "action"))


def test_the_pollers_event_is_stored_whole_and_decodes(store):
    # given a poller that saw a priority change
    sent: list[str] = []
    absorber = Absorber(SimpleNamespace(org_id=ORG), store, sent.append)
    seen = Observation(("ticket.updated",), {"priority": ("Low", "High")})
    # when it logs the event
    record = absorber.event_record("ticket.updated", TICKET, {**TICKET, "priority": "Low"}, seen, NOW)
    assert record is not None and store.events.append(record)
    event_id = record.id
    # then the stored JSON has every field and decodes to the record evaluation reads
    raw = store.redis.get(store.keys.key("event", event_id))
    assert set(json.loads(raw)) == set(
        EventRecord(id="", org="", kind="", ticket_id="", ticket={}, previous={}).as_dict()
    )
    event = store.events.get_pending(event_id)
    assert event == EventRecord.decode(raw)
    assert (event.org, event.ticket_id, event.changes, event.ticket) == (
        ORG,
        "101",
        {"priority": ("Low", "High")},
        TICKET,
    )


def test_a_plans_actions_are_stored_whole_and_chained(store):
    # given a rule's two planned actions
    planned = [
        PlannedAction("r", index, "comment", {"text": f"note {index}"}, ticket="101", version="v") for index in (0, 1)
    ]
    origin = Origin(ORG, "ev-1", "v", "77", NOW.isoformat())
    # when the recorder writes the plan
    sent: list[str] = []
    record_plan(store, sent.append, planned, origin)
    # then each action is stored with every field and decodes, chained to the other
    [first_id] = sent
    first = store.ledger.get(first_id).action
    second = store.ledger.get(first.next).action
    assert (first.after, second.after, second.next) == (None, first_id, None)
    for action_id in (first_id, first.next):
        assert set(stored_action(store, action_id)) - {"comment"} == ACTION_KEYS
    assert second.params == {"text": "note 1"} and second.ticket_department == "77" and second.org == ORG


def test_a_sweeps_bulk_action_is_stored_whole_with_no_chain(store):
    # given two mirrored tickets a nightly rule raises to High
    store.mirror.put_many(ORG, {str(n): {**TICKET, "id": str(n), "priority": "Low"} for n in range(2)})
    rules = load_rules_text("""
rules:
  - id: nightly
    on: {schedule: {cron: "0 2 * * *"}}
    once: per_ticket
    then:
      - update: {priority: High}
""")
    # when the sweep records its bulk update
    result = TimeRuleSweeper(store, rules, lambda org: Directory(), lambda _: None).sweep("nightly", NOW, [ORG])
    # then the updateMany action is stored with every field, its chain explicitly empty, and decodes
    [bulk_id] = [action_id for action_id in result.actions if action_id.startswith("bulk-")]
    stored = stored_action(store, bulk_id)
    assert set(stored) - {"update_many"} == ACTION_KEYS
    assert stored["after"] is None and stored["next"] is None
    action = store.ledger.get(bulk_id).action
    assert action.type == "update_many" and sorted(action.params["ids"]) == ["0", "1"] and action.batchable


def test_an_assign_pick_is_a_ledger_field_the_first_pick_wins(store):
    # given an assign action by strategy, not yet picked
    store.ledger.record(
        "a1", LedgerAction(rule="r", type="assign", params={"strategy": "round_robin"}, ticket="1", org=ORG)
    )
    assert store.ledger.pick("a1") is None and store.ledger.get("a1").pick is None
    # when two deliveries pick different agents
    first, second = store.ledger.remember_pick("a1", "agent-1"), store.ledger.remember_pick("a1", "agent-2")
    # then both assign the first pick, and the action's record carries it
    assert first == second == "agent-1"
    assert store.ledger.pick("a1") == store.ledger.get("a1").pick == "agent-1"
