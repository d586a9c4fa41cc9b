"""The evaluate actor applies the first new action of the event it evaluated in the same message (no `act`
message for it); the others are sent as `act` messages; a failure the act actor would retry becomes a delayed
`act` message. Service actors on a dramatiq StubBroker, real redis-server, the sandbox Desk over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dramatiq.brokers.stub import StubBroker

from tests.integration.desk.conftest import desk_settings
from tests.integration.pipeline.act_support import direct_api, first_ticket, writes
from worker.actions.enforcer import Enforcer
from worker.app.actors import MIN_BACKOFF_MS, Actors, declare_actors
from worker.app.runtime import Runtime
from worker.desk.errors import ServerError
from worker.store.events import event_id
from worker.store.records import EventRecord

TWO_RULES = """
rules:
  - id: first
    on: ticket.updated
    if: {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "first rule"}
  - id: second
    on: ticket.updated
    if: {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "second rule"}
"""


@pytest.fixture
def service(sandbox, redis_server, tmp_path: Path) -> Iterator[tuple[Runtime, Actors, StubBroker]]:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "rules.yaml").write_text(TWO_RULES)
    settings = desk_settings(sandbox, redis_server, rules_path=rules, org_ids=[sandbox.org_ids[0]])
    runtime = Runtime.from_settings(settings)
    broker = StubBroker()
    actors = declare_actors(broker, runtime)
    yield runtime, actors, broker
    broker.close()
    runtime.close()


def log_event(runtime: Runtime, org: str, ticket: dict) -> str:
    modified = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    new_id = event_id(org, ticket["id"], modified, "ticket.updated")
    event = EventRecord(
        id=new_id,
        org=org,
        kind="ticket.updated",
        ticket_id=ticket["id"],
        modified_time=modified,
        changes={"priority": (ticket.get("priority"), "High")},
        by_deskpilot=False,
        ticket={**ticket, "priority": "High", "modifiedTime": modified},
        previous=ticket,
        observed_at=datetime.now(timezone.utc).isoformat(),
    )
    assert runtime.store.events.append(event)
    return new_id


def queued(broker: StubBroker, queue: str) -> list[bytes]:
    return list(broker.queues[queue].queue) if queue in broker.queues else []


def test_the_first_action_is_applied_in_the_evaluate_message_and_the_others_sent(service, sandbox):
    runtime, actors, broker = service
    ticket = first_ticket(direct_api(sandbox))
    # when the evaluate actor's work runs for an event two rules fire on
    event = log_event(runtime, sandbox.org_ids[0], ticket)
    actors.evaluate.fn(event)
    # then the event is finished, the first rule's comment is on the Desk, done in the ledger, and only the
    # second rule's action waits in the act queue
    assert runtime.store.events.get_pending(event) is None
    comments = writes(sandbox, "POST", f"/tickets/{ticket['id']}/comments")
    assert [entry["body"]["content"].split("<!--")[0] for entry in comments] == ["first rule"]
    [message] = queued(broker, "deskpilot.act")
    second = runtime.store.ledger.pending_count()
    assert second == 1 and b'"actor_name":"act"' in message
    assert runtime.store.metrics.counters()[("actions_total", "comment", "done")] == 1


def test_a_transient_failure_of_the_inline_action_becomes_a_delayed_act_message(service, sandbox, monkeypatch):
    runtime, actors, _ = service
    ticket = first_ticket(direct_api(sandbox))

    def unavailable(self, action_id, client_for):
        raise ServerError("503 from the Desk")

    monkeypatch.setattr(Enforcer, "apply", unavailable)
    sent: list[dict] = []
    monkeypatch.setattr(actors.act, "send_with_options", lambda **options: sent.append(options))
    # when the inline action meets a transient error, then the evaluate message succeeds (the event is finished)
    event = log_event(runtime, sandbox.org_ids[0], ticket)
    actors.evaluate.fn(event)
    assert runtime.store.events.get_pending(event) is None
    # and the action goes to the act actor after the minimum backoff (the second rule's is sent at once), both
    # still pending for the reconciler
    assert sorted(options.get("delay") or 0 for options in sent) == [0, MIN_BACKOFF_MS]
    assert runtime.store.ledger.pending_count() == 2
