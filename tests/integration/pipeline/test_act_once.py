"""Actions applied exactly once against the real thing (the sandbox over HTTP, a real redis-server) when the Desk
answers wrongly, applies late, hides the write behind older records, or a message is delivered twice."""

from __future__ import annotations

import time

import pytest

from tests.integration.pipeline.act_support import action, desk_clients, direct_api, first_ticket, setup, writes
from worker.actions import settle
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.actions.settle import WriteSettling
from worker.desk.errors import OutcomeUnknown, RateLimited
from worker.desk.transport import WRITE_SENDING
from worker.store import Store
from worker.store.keys import step_clock

APPLY_TIMEOUT_S = 30.0


def apply_until_final(enforcer: Enforcer, action_id: str, client_for) -> tuple[ApplyResult, list[Exception]]:
    """Deliver the action again and again, as the act actor's retries and delayed re-sends would."""
    deadline = time.monotonic() + APPLY_TIMEOUT_S
    raised: list[Exception] = []
    while time.monotonic() < deadline:
        try:
            result = enforcer.apply(action_id, client_for)
        except (RateLimited, OutcomeUnknown) as exc:
            raised.append(exc)
            time.sleep(min(getattr(exc, "retry_after", None) or 0.1, 0.5))
            continue
        if result in (ApplyResult.DONE, ApplyResult.VERIFIED, ApplyResult.FAILED):
            return result, raised
    raise AssertionError(f"action {action_id} not final after {APPLY_TIMEOUT_S}s: {raised[-3:]}")


# -- item 3: a 200 that carries an error is not a success ------------------------------------------------------------
@pytest.mark.parametrize("mode", ["errorBody", "null"])
def test_given_a_comment_answered_200_without_the_comment_then_it_is_not_done_until_it_is_applied(
    sandbox, redis_server, mode
):
    settings, store, enforcer = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "hello"}))
    sandbox.control.post(
        "/_sandbox/faults", json={"wrongAnswerRate": 1.0, "wrongAnswerModes": [mode], "pathContains": "/comments"}
    )
    with desk_clients(settings, store) as client_for:
        with pytest.raises(OutcomeUnknown):
            enforcer.apply("a1", client_for)
        assert not store.ledger.get("a1").final and writes(sandbox, "POST", "/comments") == []
        sandbox.control.delete("/_sandbox/faults")
        result, _ = apply_until_final(enforcer, "a1", client_for)
    assert result is ApplyResult.DONE
    assert len(writes(sandbox, "POST", "/comments")) == 1


# -- item 8: a write the Desk applies after the client gave up ----------------------------------------------------
def test_given_a_write_applied_after_the_client_timeout_then_the_retry_waits_for_it_and_writes_once(
    sandbox, redis_server
):
    # Given a client that waits 1 s, a Desk that applies writes 2.5 s late, and a settle time of 4 s
    settings, store, enforcer = setup(sandbox, redis_server, http_timeout_s=1.0, desk_write_settle_s=4.0)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "late"}))
    sandbox.control.post("/_sandbox/faults", json={"writeDelayMs": 2500, "pathContains": "/comments"})
    with desk_clients(settings, store) as client_for:
        # When the action is delivered until it is final
        result, raised = apply_until_final(enforcer, "a1", client_for)
    time.sleep(3.0)  # any second write sent would land within the Desk's delay
    # Then the retries waited for the first write instead of writing again, and found it
    assert len(writes(sandbox, "POST", "/comments")) == 1
    assert result is ApplyResult.VERIFIED
    assert any(isinstance(exc, WriteSettling) for exc in raised)


# -- item 9: the check before a retry sees past 100 older records --------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "params", "path", "older"),
    [
        (
            "time_entry",
            {"hoursSpent": 0, "minutesSpent": 15, "description": "billing"},
            "/timeEntry",
            {"minutesSpent": 5, "description": "older"},
        ),
        (
            "task",
            {"subject": "follow up", "description": "call back"},
            "/tasks",
            {"subject": "older", "status": "Not Started"},
        ),
    ],
)
def test_given_100_older_records_when_a_write_is_applied_but_answered_500_then_the_retry_finds_it(
    sandbox, redis_server, kind, params, path, older
):
    settings, store, enforcer = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
        target = f"/tickets/{ticket['id']}/timeEntry" if kind == "time_entry" else "/tasks"
        extra = {} if kind == "time_entry" else {"ticketId": ticket["id"], "departmentId": ticket["departmentId"]}
        for _ in range(101):
            assert api.post(target, json={**older, **extra}).status_code == 200
    before = len(writes(sandbox, "POST", path))
    store.ledger.record("a1", action(sandbox, ticket, kind, params))
    sandbox.control.post("/_sandbox/faults", json={"phantomWriteRate": 1.0})
    with desk_clients(settings, store) as client_for:
        with pytest.raises(OutcomeUnknown):
            enforcer.apply("a1", client_for)
        sandbox.control.delete("/_sandbox/faults")
        result, _ = apply_until_final(enforcer, "a1", client_for)
    assert result is ApplyResult.VERIFIED
    assert len(writes(sandbox, "POST", path)) - before == 1


# -- item 10: two deliveries of one action message ------------------------------------------------------------------
def test_given_a_delivery_that_read_before_another_finished_then_it_does_not_write_again(sandbox, redis_server):
    settings, store, first = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "once"}))
    late_store = Store.connect(redis_server.client())  # the slow delivery's worker
    late = Enforcer(late_store, "slow-worker", send_next=lambda _: None)
    with desk_clients(settings, store) as client_for:
        take_claim = late_store.ledger.claim_and_get

        def claim_after_the_other_delivery(action_id: str, owner: str, lease_ms: int):
            # The slow delivery was taken before the other finished; the other one runs to the end meanwhile.
            assert first.apply(action_id, client_for) is ApplyResult.DONE
            return take_claim(action_id, owner, lease_ms)

        late_store.ledger.claim_and_get = claim_after_the_other_delivery  # type: ignore[method-assign]
        assert late.apply("a1", client_for) is ApplyResult.ALREADY_FINAL
    assert len(writes(sandbox, "POST", "/comments")) == 1


def test_given_a_worker_killed_mid_write_then_the_next_delivery_waits_before_checking(sandbox, redis_server):
    settings, store, enforcer = setup(sandbox, redis_server, desk_write_settle_s=30.0)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "killed"}))
    with pytest.raises(KeyboardInterrupt), settle.attempt(store, "a1", settle_s=30.0):
        WRITE_SENDING.get()()  # the write left...
        raise KeyboardInterrupt  # ...and the worker died before any answer
    with desk_clients(settings, store) as client_for, pytest.raises(WriteSettling) as raised:
        enforcer.apply("a1", client_for)
    assert 0 < raised.value.retry_after <= 30.0
    assert writes(sandbox, "POST", "/comments") == []


def test_given_a_worker_killed_before_its_write_left_then_the_next_delivery_writes_at_once(sandbox, redis_server):
    settings, store, enforcer = setup(sandbox, redis_server, desk_write_settle_s=30.0)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "killed early"}))
    with pytest.raises(KeyboardInterrupt), settle.attempt(store, "a1", settle_s=30.0):
        raise KeyboardInterrupt  # counted, nothing sent
    with desk_clients(settings, store) as client_for:
        assert enforcer.apply("a1", client_for) is ApplyResult.DONE
    assert len(writes(sandbox, "POST", "/comments")) == 1


def test_an_attempt_writes_its_count_settle_mark_and_expectations_in_one_round_trip_as_its_write_leaves(
    sandbox, redis_server
):
    _, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "batched"}))
    org = sandbox.org_ids[0]
    with (
        step_clock(store.redis),  # as in an actor's message: Redis time read once
        settle.attempt(store, "a1", settle_s=30.0, earlier=0),
        store.own_writes.attempt("a1", ()),
    ):
        store.own_writes.expect_comment(org, ticket["id"], "a1", "[deskpilot:r:a1]")
        # before the write leaves, nothing of the attempt is in Redis
        assert store.ledger.get("a1").attempts == 0 and store.own_writes.pending_comments(org, ticket["id"]) == {}
        before = int(store.redis.info("stats")["total_commands_processed"])
        WRITE_SENDING.get()()  # the write leaves
        sent = int(store.redis.info("stats")["total_commands_processed"]) - before - 1  # less the INFO itself
        # then the count, the first attempt's start, the settle mark and the expectation are there, in one HSET for
        # the ledger and one HSET + EXPIRE for the expectation
        assert sent == 3
        fields = store.redis.hgetall(store.keys.key("action", "a1"))
        assert {"attempts", "first_attempt_ms", "settles_at_ms"} <= set(fields)
        assert store.own_writes.pending_comments(org, ticket["id"]) == {"a1": "[deskpilot:r:a1]"}
