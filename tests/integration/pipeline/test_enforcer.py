"""The enforcer against the real thing (the sandbox Desk over HTTP, a real redis-server): who may act (the claim and
its lease), what it does before writing (already final, dry run, waiting on the action before, verify), and how
errors end (permanent: failed and dead-lettered; transient: raised, claim released, retried later).

Delivered twice, answered wrongly, applied late: see test_act_once.py. A rule's chain after a failure:
test_action_failure_chain.py."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import pytest

from tests.integration.pipeline.act_support import desk_clients, direct_api, first_ticket, setup, writes
from worker.actions import settle
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.desk.errors import DeskError
from worker.engine.planned import PlannedAction
from worker.plan.ids import action_id
from worker.plan.recorder import Origin, record_plan
from worker.store import Store

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
LEASE_WAIT_S = 10.0


def plan(
    sandbox,
    store: Store,
    ticket: dict[str, Any],
    *actions: tuple[str, dict[str, Any]],
    dry_run: bool = False,
    event: str = "ev-1",
) -> list[str]:
    """Record one rule's plan in the ledger, as the recorder does; the chain's ids, first to last."""
    planned = [
        PlannedAction("r", index, kind, params, ticket["id"], dry_run=dry_run, version="v1")
        for index, (kind, params) in enumerate(actions)
    ]
    record_plan(
        store, lambda _: None, planned, Origin(sandbox.org_ids[0], event, "v1", ticket["departmentId"], NOW.isoformat())
    )
    return [action_id(action, event) for action in planned]


def enforcer_sending(store: Store, owner: str = "test-worker", lease_ms: int = 60_000) -> tuple[Enforcer, list[str]]:
    sent: list[str] = []
    return Enforcer(store, owner, send_next=sent.append, lease_ms=lease_ms), sent


def action_outcomes(store: Store) -> list[tuple[str, str]]:
    return [(entry["action"], entry["outcome"]) for entry in store.audit.query() if entry["entry"] == "action"]


@pytest.fixture
def desk(sandbox, redis_server):
    settings, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    with desk_clients(settings, store) as client_for:
        yield store, ticket, client_for


def test_given_an_action_claimed_by_another_worker_then_it_is_left_to_them(desk, sandbox):
    store, ticket, client_for = desk
    [first] = plan(sandbox, store, ticket, ("comment", {"text": "claimed"}))
    assert store.ledger.claim(first, "other-worker", 60_000)
    enforcer, sent = enforcer_sending(store)
    # When it is delivered to this worker
    result = enforcer.apply(first, client_for)
    # Then it does nothing: no write, still pending, still the other worker's
    assert result is ApplyResult.BUSY
    assert writes(sandbox, "POST", "/comments") == []
    assert not store.ledger.get(first).final and store.ledger.is_claimed(first)
    assert sent == [] and action_outcomes(store) == []


def test_given_a_claim_whose_worker_died_then_another_worker_takes_over_after_the_lease(desk, sandbox):
    store, ticket, client_for = desk
    [first] = plan(sandbox, store, ticket, ("comment", {"text": "taken over"}))
    assert store.ledger.claim(first, "dead-worker", 300)  # its worker never releases it
    enforcer, _ = enforcer_sending(store)
    assert enforcer.apply(first, client_for) is ApplyResult.BUSY
    # When the action is delivered again until the lease has run out
    deadline = time.monotonic() + LEASE_WAIT_S
    result = ApplyResult.BUSY
    while result is ApplyResult.BUSY and time.monotonic() < deadline:
        time.sleep(0.1)
        result = enforcer.apply(first, client_for)
    # Then this worker applies it, once, and releases its own claim
    assert result is ApplyResult.DONE
    assert len(writes(sandbox, "POST", "/comments")) == 1
    assert not store.ledger.is_claimed(first)


def test_given_a_final_action_then_a_redelivery_does_nothing(desk, sandbox):
    store, ticket, client_for = desk
    first, second = plan(sandbox, store, ticket, ("comment", {"text": "once"}), ("update", {"priority": "High"}))
    enforcer, sent = enforcer_sending(store)
    assert enforcer.apply(first, client_for) is ApplyResult.DONE
    # When the finished action is delivered again (a redelivery, or the reconciler)
    result = enforcer.apply(first, client_for)
    # Then nothing is written, audited or sent a second time
    assert result is ApplyResult.ALREADY_FINAL
    assert len(writes(sandbox, "POST", "/comments")) == 1
    assert action_outcomes(store) == [(first, "done")]
    assert sent == [second]


def test_given_an_action_whose_previous_is_not_final_then_it_waits_and_is_sent_when_that_one_finishes(desk, sandbox):
    store, ticket, client_for = desk
    first, second = plan(sandbox, store, ticket, ("update", {"priority": "High"}), ("comment", {"text": "after"}))
    enforcer, sent = enforcer_sending(store)
    # When the second is delivered first (the reconciler re-sent it)
    assert enforcer.apply(second, client_for) is ApplyResult.WAITING
    # Then it wrote nothing, and stays pending
    assert writes(sandbox, "POST", "/comments") == [] and not store.ledger.get(second).final
    # When the first is applied, it sends the second on, which then applies
    assert enforcer.apply(first, client_for) is ApplyResult.DONE
    assert sent == [second]
    assert enforcer.apply(second, client_for) is ApplyResult.DONE
    assert [outcome for _, outcome in action_outcomes(store)] == ["done", "done"]


def test_given_a_dry_run_rule_then_its_actions_are_recorded_never_executed_and_the_chain_goes_on(desk, sandbox):
    store, ticket, client_for = desk
    first, second = plan(
        sandbox, store, ticket, ("comment", {"text": "shadow"}), ("update", {"priority": "High"}), dry_run=True
    )
    enforcer, sent = enforcer_sending(store)
    assert enforcer.apply(first, client_for) is ApplyResult.DRY_RUN
    assert sent == [second]
    assert enforcer.apply(second, client_for) is ApplyResult.DRY_RUN
    # Then nothing reached the Desk; both are final, audited as dry_run
    assert writes(sandbox, "POST", "/comments") == [] and writes(sandbox, "PATCH", "/tickets") == []
    assert [store.ledger.get(each).state for each in (first, second)] == ["dry_run", "dry_run"]
    assert action_outcomes(store) == [(first, "dry_run"), (second, "dry_run")]


def test_given_an_earlier_attempt_whose_write_landed_then_the_retry_verifies_and_does_not_write(desk, sandbox):
    store, ticket, client_for = desk
    [first] = plan(sandbox, store, ticket, ("update", {"priority": "High"}))
    # Given an attempt that was counted and whose write reached the Desk, and whose worker died before finishing
    with pytest.raises(KeyboardInterrupt), settle.attempt(store, first, settle_s=0.0):
        with direct_api(sandbox) as api:
            assert api.patch(f"/tickets/{ticket['id']}", json={"priority": "High"}).status_code == 200
        raise KeyboardInterrupt
    enforcer, _ = enforcer_sending(store)
    # When it is delivered again
    result = enforcer.apply(first, client_for)
    # Then the effect is found on the Desk: done without a second write
    assert result is ApplyResult.VERIFIED
    assert len(writes(sandbox, "PATCH", f"/tickets/{ticket['id']}")) == 1
    assert store.ledger.get(first).state == "done"


def test_given_an_unknown_action_id_then_nothing_happens(desk):
    store, _, client_for = desk
    enforcer, sent = enforcer_sending(store)
    assert enforcer.apply("act-nothing", client_for) is ApplyResult.UNKNOWN
    assert sent == [] and action_outcomes(store) == []


def test_given_a_permanent_error_then_the_action_fails_for_good_and_is_dead_lettered(desk, sandbox):
    store, ticket, client_for = desk
    [first] = plan(sandbox, store, ticket, ("update", {"status": "No Such Status"}))
    enforcer, _ = enforcer_sending(store)
    # When the Desk refuses the request itself (422)
    result = enforcer.apply(first, client_for)
    # Then it is failed, out of the reconciler's reach, in the dead-letter list, its claim released
    assert result is ApplyResult.FAILED
    assert store.ledger.get(first).state == "failed" and store.ledger.pending_count() == 0
    assert [entry["action_id"] for entry in store.dead_letters.list()] == [first]
    assert not store.ledger.is_claimed(first)
    assert store.metrics.counters()[("action_rule_errors_total", "r")] == 1
    # and a redelivery does not try again
    assert enforcer.apply(first, client_for) is ApplyResult.ALREADY_FINAL


def test_given_a_transient_error_then_it_is_raised_for_a_retry_and_nothing_is_final(desk, sandbox):
    store, ticket, client_for = desk
    first, second = plan(sandbox, store, ticket, ("update", {"priority": "High"}), ("comment", {"text": "later"}))
    sandbox.control.post("/_sandbox/faults", json={"errorRate": 1.0})
    enforcer, sent = enforcer_sending(store)
    # When the Desk answers 5xx to every try
    with pytest.raises(DeskError):
        enforcer.apply(first, client_for)
    # Then the action is neither final nor dead-lettered, its claim is released, the next is not sent
    record = store.ledger.get(first)
    assert not record.final and record.attempts >= 1
    assert store.dead_letters.list() == [] and not store.ledger.is_claimed(first)
    assert sent == [] and action_outcomes(store) == []
    # When the Desk is healthy again, a redelivery verifies (an attempt was made) and finishes it
    sandbox.control.delete("/_sandbox/faults")
    assert enforcer.apply(first, client_for) in (ApplyResult.DONE, ApplyResult.VERIFIED)
    assert sent == [second]
