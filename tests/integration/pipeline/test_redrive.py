"""Redrive of dead letters through the service's own actors, declared on a dramatiq StubBroker with deskpilot's
dead-letter middleware, over a real redis-server and the sandbox Desk (real HTTP): a message that failed for good
goes back to its actor with its arguments and does its work once the cause is fixed; a failed action is reopened
and applied again (verified first, since it was attempted)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

from tests.integration.desk.conftest import desk_settings
from tests.integration.pipeline.act_support import direct_api, first_ticket, writes
from worker.app.actors import Actors, declare_actors
from worker.app.broker import DeadLetterList
from worker.app.runtime import Runtime
from worker.engine.planned import PlannedAction
from worker.plan.ids import action_id
from worker.plan.recorder import Origin, record_plan
from worker.recovery.redrive import redrive

TICK = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc).isoformat()
NIGHTLY = """
rules:
  - id: nightly
    on: {schedule: {cron: "0 2 * * *"}}
    once: per_ticket
    then:
      - comment: {text: "nightly check"}
"""


@pytest.fixture
def service(sandbox, redis_server, tmp_path: Path) -> Iterator[tuple[Runtime, Actors, StubBroker, Path]]:
    rules = tmp_path / "rules"
    rules.mkdir()
    settings = desk_settings(
        sandbox, redis_server, rules_path=rules, message_max_retries=0, org_ids=[sandbox.org_ids[0]]
    )
    runtime = Runtime.from_settings(settings)
    broker = StubBroker()
    broker.add_middleware(DeadLetterList(runtime.store.dead_letters))
    actors = declare_actors(broker, runtime)
    yield runtime, actors, broker, rules
    broker.close()
    runtime.close()


def run_messages(broker: StubBroker) -> None:
    """Process every queued message (and what it sends on) with a dramatiq worker, as a worker process would."""
    worker = dramatiq.Worker(broker, worker_timeout=50)
    worker.start()
    try:
        for _ in range(3):  # an actor's follow-ups land in other queues
            for queue in list(broker.queues):
                broker.join(queue, fail_fast=False)
        worker.join()
    finally:
        worker.stop()


def test_a_dead_message_is_sent_again_to_its_actor_and_does_its_work_once_the_cause_is_fixed(service, sandbox):
    runtime, actors, broker, rules = service
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    runtime.store.mirror.put_many(sandbox.org_ids[0], {ticket["id"]: ticket})
    # Given a sweep message that failed for good: the rule files did not load
    (rules / "rules.yaml").write_text("rules: [{id: nightly, on: {schedule: {cron: 'never'}}}]\n")
    actors.sweep.send("nightly", TICK)
    run_messages(broker)
    [dead] = runtime.store.dead_letters.list()
    assert (dead["kind"], dead["actor"], dead["args"]) == ("message", "sweep", ["nightly", TICK])
    # When the files are fixed and the dead letter is redriven
    (rules / "rules.yaml").write_text(NIGHTLY)
    assert redrive(runtime.store, actors.by_name(), dead["message_id"]) == 1
    run_messages(broker)
    # Then the sweep ran with its arguments and its action was applied; the dead-letter list is empty
    assert runtime.store.dead_letters.list() == []
    comments = writes(sandbox, "POST", "/comments")
    assert len(comments) == 1 and ticket["id"] in comments[0]["path"]


def test_a_failed_action_is_reopened_and_applied_again(service, sandbox):
    runtime, actors, broker, _ = service
    store = runtime.store
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    planned = [PlannedAction("r", 0, "update", {"status": "No Such Status"}, ticket["id"], version="v1")]
    record_plan(store, actors.act.send, planned, Origin(sandbox.org_ids[0], "ev-1", "v1", ticket["departmentId"], TICK))
    failing = action_id(planned[0], "ev-1")
    # Given an action the Desk refused: failed, in the dead-letter list
    run_messages(broker)
    assert store.ledger.get(failing).state == "failed"
    assert [entry["action_id"] for entry in store.dead_letters.list()] == [failing]
    # When it is redriven
    assert redrive(store, actors.by_name(), failing) == 1
    # Then it is planned again, under the reconciler's deadline, and off the list
    assert store.ledger.get(failing).state == "planned" and store.ledger.pending_count() == 1
    assert store.dead_letters.list() == []
    # and the act actor applies it again: the Desk still refuses it, so it is failed and dead-lettered once more
    run_messages(broker)
    assert store.ledger.get(failing).state == "failed" and store.ledger.get(failing).attempts == 2
    assert [entry["action_id"] for entry in store.dead_letters.list()] == [failing]
    outcomes = [entry["outcome"] for entry in store.audit.query(rule="r") if entry["entry"] == "action"]
    assert outcomes == ["failed", "failed"]
