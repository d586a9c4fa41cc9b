"""Fault injection end to end: one deployment (redis-server, the sandbox, a scheduler, 2 workers), a Desk that
fails in one way at a time while people change tickets; once the faults are cleared every change is acted on
exactly once, as the sandbox's write log counts it.

Each test drives its own tickets and checks only them; the faults are cleared whatever happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from tests.e2e.scenarios import COMMENT_ON_HIGH, open_tickets, wait_backfilled
from tests.support.changes import applied_comments, patch_through_faults, unfinished_actions
from tests.support.pipeline import Pipeline, wait_until

pytestmark = pytest.mark.e2e

HTTP_TIMEOUT_S = 3  # deskpilot's; the held-write test holds writes past it
WRITE_DELAY_S = HTTP_TIMEOUT_S + 3
WRITE_SETTLE_S = WRITE_DELAY_S + 4  # deskpilot verifies an unanswered write this long after it began (default 120)
SETTLE_S = 45  # after the faults are cleared: every change acted on and every action final by then
FAULTY_S = 20  # the longest a fault stays on waiting for deskpilot to meet it
QUIET_S = 2  # after settling, time for a late duplicate to show


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Pipeline]:
    started = Pipeline(
        root=tmp_path_factory.mktemp("faults"),
        rules=COMMENT_ON_HIGH,
        tickets=120,
        workers=2,
        extra_env={
            "DESKPILOT_HTTP_TIMEOUT_S": str(HTTP_TIMEOUT_S),
            "DESKPILOT_DESK_WRITE_SETTLE_S": str(WRITE_SETTLE_S),
        },
    ).start()
    try:
        wait_backfilled(started)
        yield started
    finally:
        started.stop()


@pytest.fixture
def faults(deployment) -> Iterator[Callable[..., None]]:
    """Set a fault set on the sandbox; cleared after the test in any case."""

    def set_faults(**settings) -> None:
        answer = deployment.sandbox.control.post("/_sandbox/faults", json=settings)
        assert answer.status_code == 200, answer.text

    yield set_faults
    deployment.sandbox.control.delete("/_sandbox/faults")


def drive(deployment: Pipeline, count: int) -> list[str]:
    """Raise the priority of `count` fresh open tickets (through whatever faults are on); their ids."""
    ids = [ticket["id"] for ticket in open_tickets(deployment, count)]
    with deployment.api() as api:
        for ticket_id in ids:
            assert patch_through_faults(api, ticket_id, {"priority": "High"}), f"could not change ticket {ticket_id}"
    return ids


def comment_attempts(deployment: Pipeline, ids: list[str]) -> int:
    """deskpilot's comment POSTs on these tickets so far, whatever their answer."""
    return sum(
        1 for entry in deployment.writes("POST", "/comments") if any(f"/tickets/{i}/" in entry["path"] for i in ids)
    )


def assert_each_acted_on_once(deployment: Pipeline, ids: list[str]) -> None:
    """Faults cleared: wait until every ticket has its comment and its actions are final, then count."""

    def settled() -> bool:
        counts = applied_comments(deployment.writes())
        return all(counts[i] >= 1 for i in ids) and not unfinished_actions(deployment.store(), set(ids))

    try:
        wait_until(settled, SETTLE_S, "every driven change to be acted on and its actions to finish")
    except AssertionError as timed_out:
        raise AssertionError(f"{timed_out}: {describe(deployment, ids)}") from None
    time.sleep(QUIET_S)
    counts = applied_comments(deployment.writes())
    assert {i: counts[i] for i in ids} == {i: 1 for i in ids}


def describe(deployment: Pipeline, ids: list[str]) -> str:
    """What each ticket got and where its actions stand, for a failure message."""
    counts = applied_comments(deployment.writes())
    store = deployment.store()
    states = {action_id: store.ledger.get(action_id) for action_id in unfinished_actions(store, set(ids))}
    unfinished = {
        action_id: (record.state, record.attempts, record.outcome) for action_id, record in states.items() if record
    }
    return f"applied comments { ({i: counts[i] for i in ids}) }, unfinished actions {unfinished}"


def test_5xx_429_and_writes_applied_but_answered_500(deployment, faults):
    faults(errorRate=0.15, throttleRate=0.15, phantomWriteRate=0.4, retryAfterS=1)
    ids = drive(deployment, 4)
    wait_until(lambda: comment_attempts(deployment, ids) >= 4, FAULTY_S, "deskpilot to write through the faults")
    deployment.sandbox.control.delete("/_sandbox/faults")
    assert_each_acted_on_once(deployment, ids)


def test_a_giant_retry_after_pauses_the_org_for_a_bounded_time(deployment, faults):
    faults(throttleRate=1.0, retryAfterS=999_999_999, pathContains="/tickets/search")
    redis = deployment.store().redis
    credits = f"{deployment.store().keys.desk_prefix}:budget:{deployment.sandbox.org_ids[0]}:credits"

    def pause_left_ms() -> int:
        """The org's pause (the budget's `paused_until`, Redis ms) still to run."""
        seconds, micros = redis.time()
        until = redis.hget(credits, "paused_until")
        return max(int(until or 0) - (int(seconds) * 1000 + int(micros) // 1000), 0)

    try:
        pause_ms = wait_until(pause_left_ms, FAULTY_S, "a poll to meet the 429")
        ids = drive(deployment, 2)
    finally:  # an hour is bounded, but longer than a test: end the pause as an operator would, whatever happened
        deployment.sandbox.control.delete("/_sandbox/faults")
        redis.hdel(credits, "paused_until")
    assert pause_ms <= 3600 * 1000  # capped at an hour, not the ~31 years asked for
    assert_each_acted_on_once(deployment, ids)


def test_writes_applied_after_the_clients_timeout_are_not_written_twice(deployment, faults):
    faults(writeDelayMs=WRITE_DELAY_S * 1000, pathContains="/comments")
    ids = drive(deployment, 2)
    wait_until(lambda: applied_comments(deployment.writes())[ids[0]] >= 1, FAULTY_S, "a held comment to land")
    deployment.sandbox.control.delete("/_sandbox/faults")
    time.sleep(WRITE_DELAY_S)  # writes still held when the faults were cleared land meanwhile
    assert_each_acted_on_once(deployment, ids)


def test_search_answers_200_without_data_lose_no_change(deployment, faults):
    # every search answered 200 with an error body, null or non-list data for longer than the poll overlap (5 s)
    faults(wrongAnswerRate=1.0, wrongAnswerModes=["errorBody", "null", "nonList"], pathContains="/tickets/search")
    ids = drive(deployment, 3)
    time.sleep(8)
    deployment.sandbox.control.delete("/_sandbox/faults")
    assert_each_acted_on_once(deployment, ids)


def test_a_comment_answered_200_with_an_error_body_is_written_again(deployment, faults):
    faults(wrongAnswerRate=1.0, wrongAnswerModes=["errorBody", "null"], pathContains="/comments")
    ids = drive(deployment, 2)
    wait_until(lambda: comment_attempts(deployment, ids) >= 2, FAULTY_S, "deskpilot's comments to be refused")
    deployment.sandbox.control.delete("/_sandbox/faults")
    assert_each_acted_on_once(deployment, ids)


def test_dropped_connections(deployment, faults):
    faults(dropRate=0.3)
    ids = drive(deployment, 3)
    wait_until(
        lambda: comment_attempts(deployment, ids) >= 3, FAULTY_S, "deskpilot to write through dropped connections"
    )
    deployment.sandbox.control.delete("/_sandbox/faults")
    assert_each_acted_on_once(deployment, ids)


def test_an_accounts_outage_with_actions_in_flight_passes(deployment, faults):
    # given actions in flight: deskpilot's comments are throttled
    throttled = {"throttleRate": 1.0, "retryAfterS": 1, "pathContains": "/comments"}
    faults(**throttled)
    ids = drive(deployment, 2)
    wait_until(lambda: comment_attempts(deployment, ids) >= 2, FAULTY_S, "deskpilot's comments to be in flight")
    # when its token is revoked and the accounts server fails, then throttles, then recovers
    deployment.sandbox.control.post("/_sandbox/tokens/revoke")
    faults(accountsDown="error", **throttled)
    time.sleep(4)
    faults(accountsDown="throttle", **throttled)
    time.sleep(3)
    deployment.sandbox.control.delete("/_sandbox/faults")
    deployment.token = deployment.sandbox.access_token()  # the test's own token was revoked too
    # then every change is still acted on, once
    assert_each_acted_on_once(deployment, ids)


def test_index_lag_longer_than_the_poll_overlap_loses_no_change(deployment, faults):
    faults(indexLagS=8)  # the deployment's poll overlap is 5 s
    ids = drive(deployment, 2)
    time.sleep(10)  # the lag passes while polls go on
    deployment.sandbox.control.delete("/_sandbox/faults")
    assert_each_acted_on_once(deployment, ids)
