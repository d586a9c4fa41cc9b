"""The evaluate message acts on what it planned (worker/app/actors.py): the first rule's actions run in it, claimed
with their record, and only the other rules' first actions and a retry become `act` messages. The service's own
actors on a dramatiq StubBroker, a real redis-server and the sandbox Desk over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

from tests.integration.desk.conftest import desk_settings
from tests.integration.pipeline.act_support import direct_api, first_ticket, writes
from worker.app.actors import Actors, declare_actors
from worker.app.runtime import Runtime
from worker.store.events import event_id
from worker.store.records import EventRecord

RULES = """
rules:
  - id: two-notes
    on: ticket.updated
    if: {all: [{field: priority, changed_to: High}]}
    then:
      - comment: {public: false, text: "first note"}
      - comment: {public: false, text: "second note"}
  - id: one-note
    on: ticket.updated
    if: {all: [{field: priority, changed_to: High}]}
    then:
      - comment: {public: false, text: "note of another rule"}
"""


class Enqueued(dramatiq.Middleware):
    """The actor name of every message sent."""

    def __init__(self) -> None:
        self.actors: list[str] = []

    def after_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message, delay: Any) -> None:
        self.actors.append(message.actor_name)


@pytest.fixture
def service(sandbox, redis_server, tmp_path: Path) -> Iterator[tuple[Runtime, Actors, StubBroker, Enqueued]]:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "rules.yaml").write_text(RULES)
    settings = desk_settings(sandbox, redis_server, rules_path=rules, org_ids=[sandbox.org_ids[0]])
    runtime = Runtime.from_settings(settings)
    broker = StubBroker()
    enqueued = Enqueued()
    broker.add_middleware(enqueued)
    actors = declare_actors(broker, runtime)
    yield runtime, actors, broker, enqueued
    broker.close()
    runtime.close()


def log_priority_raised(runtime: Runtime, org: str, ticket: dict[str, Any]) -> str:
    modified = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    raised = {**ticket, "priority": "High", "modifiedTime": modified}
    new_id = event_id(org, ticket["id"], modified, "ticket.updated")
    record = EventRecord(
        id=new_id,
        org=org,
        kind="ticket.updated",
        ticket_id=ticket["id"],
        modified_time=modified,
        changes={"priority": (ticket.get("priority"), "High")},
        by_deskpilot=False,
        ticket=raised,
        previous=ticket,
        observed_at=datetime.now(timezone.utc).isoformat(),
    )
    assert runtime.store.events.append(record)
    return new_id


def run(broker: StubBroker, *queues: str) -> None:
    """Work off the given queues (all when none) with a dramatiq worker, as a worker process would."""
    worker = dramatiq.Worker(broker, worker_timeout=50, queues=set(queues) or None)
    worker.start()
    try:
        for _ in range(3):  # an actor's follow-ups land in other queues
            for queue in queues or list(broker.queues):
                broker.join(queue, fail_fast=False)
        worker.join()
    finally:
        worker.stop()


def comment_texts(sandbox, ticket_id: str) -> list[str]:
    with direct_api(sandbox) as api:
        comments = api.get(f"/tickets/{ticket_id}/comments").json().get("data", [])
    return sorted(without_marker(comment["content"]) for comment in comments)


def without_marker(content: str) -> str:
    return content.split("<!--")[0].strip()


def test_the_first_rules_actions_run_in_the_evaluate_message_and_the_others_are_sent(service, sandbox):
    runtime, actors, broker, enqueued = service
    org = sandbox.org_ids[0]
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    # Given an event two rules fire on, the first with two actions
    actors.evaluate.send(log_priority_raised(runtime, org, ticket))
    # When only the evaluate message is worked off
    run(broker, "deskpilot.evaluate")
    # Then the first rule's two comments are written by it, in order, and one act message carries the other rule's
    assert enqueued.actors == ["evaluate", "act"]
    texts = [entry["body"]["content"] for entry in writes(sandbox, "POST", "/comments")]
    assert [without_marker(text) for text in texts] == ["first note", "second note"]
    # and the act message writes the third; every action is final, none pending, no claim left
    run(broker)
    assert comment_texts(sandbox, ticket["id"]) == ["first note", "note of another rule", "second note"]
    assert runtime.store.ledger.pending_count() == 0
    assert list(runtime.redis.scan_iter(runtime.store.keys.key("action", "*", "claim"))) == []


def test_an_action_that_fails_for_now_in_the_evaluate_message_is_handed_to_an_act_message(service, sandbox):
    runtime, actors, broker, enqueued = service
    org = sandbox.org_ids[0]
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    # Given the Desk answering every comment with a 500
    assert sandbox.control.post("/_sandbox/faults", json={"errorRate": 1.0, "pathContains": "/comments"}).is_success
    actors.evaluate.send(log_priority_raised(runtime, org, ticket))
    # When the evaluate message is worked off
    run(broker, "deskpilot.evaluate")
    # Then the event is finished, and the action it claimed is released and sent on as an act message
    assert runtime.store.events.pending_count() == 0
    assert enqueued.actors.count("act") == 2  # the other rule's first action, and the one handed on
    assert list(runtime.redis.scan_iter(runtime.store.keys.key("action", "*", "claim"))) == []
    # and once the Desk is back, the act messages write all three comments, each once
    sandbox.control.delete("/_sandbox/faults")
    run(broker)
    assert comment_texts(sandbox, ticket["id"]) == ["first note", "note of another rule", "second note"]
