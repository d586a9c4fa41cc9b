"""What deskpilot keeps in Redis, against a real redis-server: ledger, events, own writes, history, ticks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from worker.app.scheduler import Job, Scheduler
from worker.store import Store
from worker.store.keys import server_now
from worker.store.records import EventRecord, LedgerAction


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client(), event_deadline_ms=0, action_deadline_ms=0)


ACTION = LedgerAction(rule="r", index=0, type="comment", ticket="1", org="9", params={"text": "hi"})


def test_an_action_is_recorded_once_and_claimed_by_one_worker(store):
    assert store.ledger.record("a1", ACTION) is True
    assert store.ledger.record("a1", ACTION) is False
    assert store.ledger.claim("a1", "worker-a") is True
    assert store.ledger.claim("a1", "worker-b") is False
    store.ledger.release("a1", "worker-b")  # not the holder: no effect
    assert store.ledger.is_claimed("a1")
    store.ledger.release("a1", "worker-a")
    assert not store.ledger.is_claimed("a1")


def test_a_new_action_is_claimed_with_its_record_for_the_worker_acting_on_it_at_once(store):
    assert store.ledger.record_and_claim("a3", ACTION, "worker-a", 60_000) == (True, True)
    assert store.ledger.claim("a3", "worker-b") is False  # held from the record on
    assert store.ledger.get("a3").state == "planned" and store.ledger.overdue() == ["a3"]
    # a plan recorded again (an event evaluated twice) neither re-creates nor claims it
    store.ledger.release("a3", "worker-a")
    assert store.ledger.record_and_claim("a3", ACTION, "worker-a", 60_000) == (False, False)
    assert not store.ledger.is_claimed("a3")


def test_attempts_survive_and_finished_actions_leave_the_pending_set(store):
    store.ledger.record("a2", ACTION)
    assert store.ledger.begin_attempt("a2") == 1
    assert store.ledger.get("a2").attempts == 1
    assert store.ledger.overdue() == ["a2"]
    store.ledger.finish("a2", "done", "comment 5")
    record = store.ledger.get("a2")
    assert record.final and record.outcome == "comment 5"
    assert store.ledger.overdue() == []
    store.ledger.reopen("a2")
    assert not store.ledger.get("a2").final and store.ledger.get("a2").attempts == 1


def test_events_are_logged_once_and_stay_pending_until_finished(store):
    event = EventRecord(id="ev-1", org="9", kind="ticket.updated", ticket_id="1")
    assert store.events.append(event) is True
    assert store.events.append(event) is False
    assert store.events.overdue() == ["ev-1"]
    store.events.finish("ev-1")
    assert not store.events.is_pending("ev-1") and store.events.get("ev-1").kind == "ticket.updated"


def test_own_writes_tag_only_the_values_deskpilot_wrote(store):
    store.own_writes.expect_fields("9", "1", {"priority": "High", "customFields.ModelName": "F4"}, "act-1")
    now = server_now(store.redis)
    ours = store.own_writes.consume_fields("9", "1", {"priority": ("Low", "High"), "status": ("Open", "Closed")}, now)
    assert ours == {"priority"}
    # used up: the same change seen again is not ours any more
    assert store.own_writes.consume_fields("9", "1", {"priority": ("Low", "High")}, now) == set()


def test_fire_history_counts_an_hour_and_once_marks_follow_the_anchor(store):
    store.history.record_fire("r", "1", "ev-1", None, None)
    store.history.record_fire("r", "1", "ev-1", None, None)  # the same event again counts once
    store.history.record_fire("r", "1", "ev-2", "per_anchor", "2026-11-28T10:00:00Z")
    assert store.history.fires_last_hour("r", "1") == 2
    assert store.history.fired_once("r", "1", "2026-11-28T10:00:00Z")
    assert not store.history.fired_once("r", "1", "2026-11-29T10:00:00Z")


def test_cursors_only_move_forward(store):
    later = datetime(2026, 11, 28, 10, 5, tzinfo=timezone.utc)
    store.cursors.advance("9", later)
    store.cursors.advance("9", datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc))
    assert store.cursors.get("9") == later


def test_two_schedulers_fire_each_tick_once(store):
    fired: list[tuple[str, datetime]] = []
    now = datetime(2026, 11, 28, 10, 0, 7, tzinfo=timezone.utc)
    jobs = lambda: [Job(name="poll:9", interval_s=5), Job(name="sweep:r", cron="* * * * *")]  # noqa: E731
    first = Scheduler(store.ticks, jobs, lambda job, due: fired.append((job.name, due)), lambda: now)
    second = Scheduler(
        Store.connect(store.redis).ticks, jobs, lambda job, due: fired.append((job.name, due)), lambda: now
    )
    first.run_once()
    second.run_once()
    first.run_once()
    assert sorted(fired) == [
        ("poll:9", datetime(2026, 11, 28, 10, 0, 5, tzinfo=timezone.utc)),
        ("sweep:r", datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)),
    ]


def test_dead_letters_are_listed_and_taken_by_id(store):
    store.dead_letters.add({"kind": "message", "message_id": "m1", "actor": "act", "args": ["a"], "kwargs": {}})
    store.dead_letters.add({"kind": "action", "action_id": "a9"})
    assert [entry.get("message_id") or entry.get("action_id") for entry in store.dead_letters.list()] == ["m1", "a9"]
    assert [entry["action_id"] for entry in store.dead_letters.take("a9")] == ["a9"]
    assert len(store.dead_letters.list()) == 1
