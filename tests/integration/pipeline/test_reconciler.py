"""The reconciler on a real redis-server: events and actions past their deadline are sent again, those within it
are not; an action whose lease is held is left to its worker; a re-sent entry gets a new deadline.

Deadlines are set per store: entries written through a store whose deadline is 0 are overdue at once, those
written through one with an hour's deadline are not, so no test waits for a clock."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from worker.engine.planned import PlannedAction
from worker.plan.ids import action_id
from worker.plan.recorder import Origin, record_plan
from worker.recovery.reconciler import reconcile
from worker.store import Store

try:  # the event log takes typed records once they land (issue 11 item 3); a dict before
    from worker.store.records import EventRecord
except ImportError:  # pragma: no cover - before typed records
    EventRecord = None

ORG = "2389290"
HOUR_MS = 3_600_000
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def log_event(store: Store, event_id: str) -> None:
    data = {
        "id": event_id,
        "org": ORG,
        "kind": "ticket.updated",
        "ticket_id": "101",
        "modifiedTime": None,
        "ticket": {"id": "101", "status": "Open"},
        "changes": {"status": ["New", "Open"]},
    }
    assert store.events.append(EventRecord.from_dict(data) if EventRecord else data)


def plan_action(store: Store, event_id: str, text: str = "hello") -> str:
    planned = [PlannedAction("r", 0, "comment", {"text": text}, "101", version="v1")]
    record_plan(store, lambda _: None, planned, Origin(ORG, event_id, "v1", None, NOW.isoformat()))
    return action_id(planned[0], event_id)


@pytest.fixture
def stores(redis_server) -> tuple[Store, Store]:
    """(a store whose deadlines have passed as soon as they are set, one whose deadlines are an hour away)."""
    late = Store.connect(redis_server.client(), event_deadline_ms=0, action_deadline_ms=0)
    timely = Store.connect(redis_server.client(), event_deadline_ms=HOUR_MS, action_deadline_ms=HOUR_MS)
    return late, timely


def run(store: Store) -> tuple[list[str], list[str], object]:
    events: list[str] = []
    actions: list[str] = []
    result = reconcile(store, events.append, actions.append)
    return events, actions, result


def test_events_past_their_deadline_are_sent_again_and_those_within_it_are_not(stores):
    late, timely = stores
    log_event(late, "ev-lost")
    log_event(timely, "ev-queued")
    # When the reconciler runs
    events, actions, result = run(timely)
    # Then only the overdue event is sent again, and counted
    assert events == ["ev-lost"] and actions == []
    assert result.events == 1
    # and it has a new deadline: the next run does not send it again
    assert run(timely)[0] == []
    assert late.events.is_pending("ev-lost")


def test_a_finished_event_is_not_sent_again(stores):
    late, timely = stores
    log_event(late, "ev-done")
    late.events.finish("ev-done")
    assert run(timely)[0] == []


def test_actions_past_their_deadline_are_sent_again_and_those_within_it_are_not(stores):
    late, timely = stores
    lost = plan_action(late, "ev-1")
    plan_action(timely, "ev-2")
    # When the reconciler runs
    events, actions, result = run(timely)
    # Then only the overdue action is sent again; it has a new deadline, so the next run leaves it
    assert actions == [lost] and result.actions == 1 and events == []
    assert run(timely)[1] == []
    assert not timely.ledger.get(lost).final


def test_an_overdue_action_whose_lease_is_held_is_left_to_its_worker(stores):
    late, timely = stores
    held = plan_action(late, "ev-1")
    assert late.ledger.claim(held, "busy-worker", 60_000)
    # When the reconciler runs while the worker still holds the claim
    _, actions, result = run(timely)
    # Then it is not sent; its deadline moved on
    assert actions == [] and result.actions == 0
    late.ledger.release(held, "busy-worker")
    assert run(timely)[1] == []  # within its new deadline
    assert timely.ledger.pending_count() == 1


def test_a_final_action_is_never_sent_again(stores):
    late, timely = stores
    done = plan_action(late, "ev-1")
    late.ledger.finish(done, "done", "ok")
    _, actions, _ = run(timely)
    assert actions == [] and timely.ledger.pending_count() == 0
