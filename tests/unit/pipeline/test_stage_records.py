"""The records stages hand each other through the store: one codec each, and records in flight still decode."""

from __future__ import annotations

import json

from worker.store.records import EventRecord, LedgerAction

TICKET = {"id": "1", "priority": "High", "customFields": {"ModelName": "F4"}}
EVENT = EventRecord(
    id="ev-1",
    org="9",
    kind="ticket.updated",
    ticket_id="1",
    modified_time="2026-11-28T10:00:00.000Z",
    changes={"priority": ("Low", "High")},
    by_deskpilot=False,
    ticket=TICKET,
    previous={**TICKET, "priority": "Low"},
    observed_at="2026-11-28T10:00:01+00:00",
)
PLANNED = LedgerAction(
    rule="greet",
    type="comment",
    params={"text": "hi {assignee.id}", "public": False},
    ticket="1",
    org="9",
    event="ev-1",
    version="3f2a",
    index=1,
    pending=("assignee",),
    continue_on_failure=True,
    ticket_department="77",
    planned_at="2026-11-28T10:00:02+00:00",
    after="act-a",
    next="act-c",
)
BULK = LedgerAction(
    rule="nightly",
    type="update_many",
    ticket="1,2",
    org="9",
    event="sweep:nightly:2026-11-28T00:00:00",
    version="v",
    batchable=True,
    planned_at="2026-11-28T00:00:00+00:00",
    params={"ids": ["1", "2"], "fieldName": "priority", "fieldValue": "Low", "isCustomField": False},
)


def test_an_event_survives_its_codec():
    # given an event as the poller logs it / when encoded and decoded / then it is the same record
    assert EventRecord.decode(EVENT.encode()) == EVENT
    # and a finished one keeps everything but the tickets, which are not stored at all
    finished = EventRecord.decode(EVENT.finished().encode())
    assert finished == EVENT.finished() and finished.ticket is None and finished.changes == EVENT.changes
    assert "ticket" not in json.loads(EVENT.finished().encode())


def test_an_event_stored_before_the_record_type_decodes():
    # given the JSON the poller wrote before EventRecord (lists for pairs), and an older one without observed_at
    stored = {
        "id": "ev-1",
        "org": "9",
        "kind": "ticket.updated",
        "ticket_id": "1",
        "modifiedTime": "2026-11-28T10:00:00.000Z",
        "changes": {"priority": ["Low", "High"]},
        "by_deskpilot": False,
        "ticket": TICKET,
        "previous": {**TICKET, "priority": "Low"},
        "observed_at": "2026-11-28T10:00:01+00:00",
    }
    older = {name: value for name, value in stored.items() if name != "observed_at"}
    # then both decode; the stored JSON is the same shape the record encodes
    assert EventRecord.decode(json.dumps(stored)) == EVENT
    assert EventRecord.decode(json.dumps(older)).observed_at is None
    assert json.loads(EVENT.encode()) == stored


def test_a_ledger_action_survives_its_codec():
    for action in (PLANNED, BULK):
        assert LedgerAction.decode(action.encode()) == action
    # every field is written, a bulk action's chain as explicit nulls
    stored = json.loads(BULK.encode())
    assert stored["after"] is None and stored["next"] is None and stored["update_many"]["fieldName"] == "priority"


def test_a_ledger_action_stored_before_the_record_type_decodes():
    # given a plan's action and a sweep's bulk action as they were stored before LedgerAction
    plan = {
        "rule": "greet",
        "version": "3f2a",
        "index": 1,
        "type": "comment",
        "ticket": "1",
        "comment": {"text": "hi {assignee.id}", "public": False},
        "batchable": False,
        "dry_run": False,
        "pending": ["assignee"],
        "on_action_failure": "continue",
        "org": "9",
        "event": "ev-1",
        "ticket_department": "77",
        "planned_at": "2026-11-28T10:00:02+00:00",
        "after": "act-a",
        "next": "act-c",
    }
    bulk = {
        "rule": "nightly",
        "index": 0,
        "type": "update_many",
        "ticket": "1,2",
        "org": "9",
        "event": "sweep:nightly:2026-11-28T00:00:00",
        "version": "v",
        "update_many": {"ids": ["1", "2"], "fieldName": "priority", "fieldValue": "Low", "isCustomField": False},
        "batchable": True,
        "dry_run": False,
    }
    # then both decode, the bulk one with no chain and no origin it never had
    assert LedgerAction.decode(json.dumps(plan)) == PLANNED
    old_bulk = LedgerAction.decode(json.dumps(bulk))
    assert old_bulk.after is None and old_bulk.next is None and old_bulk.planned_at is None
    assert old_bulk.params == BULK.params and old_bulk.batchable
    # and what the record stores for a plan's action is the old shape
    assert json.loads(PLANNED.encode()) == plan
