"""What a rule's later actions do after an earlier one fails for good, end to end: an event evaluated against a rule
set, its plan recorded in the ledger, each action applied by the enforcer against the sandbox Desk over real HTTP,
with a real redis-server. By default the chain stops (later actions skipped, audited with the reason); a rule with
`on_action_failure: continue` sends them all the same."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from tests.integration.pipeline.act_support import desk_clients, direct_api, first_ticket, setup, writes
from worker.actions import EXECUTORS
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.desk.errors import InvalidRequest
from worker.engine.directory import Directory
from worker.engine.evaluate import Event, evaluate
from worker.engine.loader import load_rules_text
from worker.engine.planned import PlannedAction
from worker.plan.recorder import Origin, Recorder, record_plan
from worker.recovery.redrive import redrive
from worker.store import Store

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def rules(option: str = "") -> str:
    return f"""
rules:
  - id: escalate
    on: ticket.updated
    {option}
    then:
      - update: {{status: "No Such Status"}}
      - comment: {{text: "Escalated: status changed"}}
      - update: {{priority: High}}
"""


def run_event(sandbox, redis_server, rules_text: str) -> tuple[Store, list[tuple[str, ApplyResult]]]:
    """Evaluate one event on a real ticket, record its plan, and apply every action sent until nothing more is sent."""
    settings, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    ruleset = load_rules_text(rules_text)
    event = Event("ticket.updated", ticket["id"], {"priority": ("Medium", "Low")}, False, "ev-1")
    queue: list[str] = []
    Recorder(store, queue.append).record(
        evaluate(ruleset, event, ticket, None, Directory(), NOW), ruleset, sandbox.org_ids[0], ticket
    )
    enforcer = Enforcer(store, "test-worker", send_next=queue.append)
    applied: list[tuple[str, ApplyResult]] = []
    with desk_clients(settings, store) as client_for:
        while queue:
            action_id = queue.pop(0)
            applied.append((action_id, enforcer.apply(action_id, client_for)))
    return store, applied


def audited_actions(store: Store, rule: str = "escalate") -> list[tuple[str, str, str]]:
    """(action id, outcome, detail) of the rule's audited action outcomes, in the order they were written."""
    return [
        (entry["action"], entry["outcome"], entry["detail"])
        for entry in store.audit.query(rule=rule)
        if entry["entry"] == "action"
    ]


def test_given_a_rule_whose_first_action_fails_then_its_later_actions_are_skipped_and_never_sent(sandbox, redis_server):
    # Given a rule of three actions whose first the Desk refuses (an unknown status)
    # When the event is evaluated and every action sent is applied
    store, applied = run_event(sandbox, redis_server, rules())
    # Then only the first was applied; it failed; the two later ones are final as skipped, with the reason audited
    [(first, result)] = applied
    assert result is ApplyResult.FAILED
    audited = audited_actions(store)
    assert [action_id for action_id, outcome, _ in audited if outcome == "failed"] == [first]
    later = [entry for entry in audited if entry[0] != first]
    assert [(outcome, detail) for _, outcome, detail in later] == [
        ("skipped", f"an earlier action of this rule failed: {first}")
    ] * 2
    assert all(store.ledger.get(action_id).state == "skipped" for action_id, _, _ in later)
    # and nothing but the refused update reached the Desk; the reconciler has nothing left to send
    assert writes(sandbox, "POST", "/comments") == []
    assert store.ledger.pending_count() == 0


def test_given_a_rule_that_continues_on_failure_then_its_later_actions_are_still_applied(sandbox, redis_server):
    # Given the same rule with on_action_failure: continue
    store, applied = run_event(sandbox, redis_server, rules("on_action_failure: continue"))
    # Then the first failed and the later two were sent and applied, in order
    assert [result for _, result in applied] == [ApplyResult.FAILED, ApplyResult.DONE, ApplyResult.DONE]
    assert [(action_id, result.value) for action_id, result in applied] == [
        (action_id, outcome) for action_id, outcome, _ in audited_actions(store)
    ]
    assert len(writes(sandbox, "POST", "/comments")) == 1


class RefusedOnce:
    """An executor the Desk refuses the first time (say, a department renamed away, then back)."""

    def __init__(self, executor) -> None:
        self.executor, self.refused = executor, False

    def verify(self, ctx) -> bool:
        return self.executor.verify(ctx)

    def execute(self, ctx) -> str:
        if not self.refused:
            self.refused = True
            raise InvalidRequest("refused once", status=422)
        return self.executor.execute(ctx)


def test_given_a_failed_action_redriven_successfully_then_the_actions_it_skipped_run(
    sandbox, redis_server, monkeypatch
):
    settings, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    priority = "Low" if ticket.get("priority") == "High" else "High"
    planned = [
        PlannedAction("r", 0, "update", {"priority": priority}, ticket["id"], version="v1"),
        PlannedAction("r", 1, "comment", {"text": "after the update"}, ticket["id"], version="v1"),
    ]
    queue: list[str] = []
    record_plan(
        store, queue.append, planned, Origin(sandbox.org_ids[0], "ev-1", "v1", ticket["departmentId"], NOW.isoformat())
    )
    monkeypatch.setitem(EXECUTORS, "update", RefusedOnce(EXECUTORS["update"]))
    enforcer = Enforcer(store, "test-worker", send_next=queue.append)
    with desk_clients(settings, store) as client_for:
        # Given the rule's update refused (failed, dead-lettered) and its comment skipped
        first = queue.pop()
        assert enforcer.apply(first, client_for) is ApplyResult.FAILED and queue == []
        # When ops redrive the dead letter once the cause is fixed, and every action sent is applied
        assert redrive(store, {"act": SimpleNamespace(send=queue.append)}, first) == 1
        results = []
        while queue:
            results.append(enforcer.apply(queue.pop(0), client_for))
    # Then the update is applied and the skipped comment after it is planned again and applied
    assert results == [ApplyResult.DONE, ApplyResult.DONE]
    assert len(writes(sandbox, "POST", "/comments")) == 1
    assert [outcome for _, outcome, _ in audited_actions(store, "r")] == ["skipped", "failed", "done", "done"]
