"""The request path over real HTTP: typed errors, 5xx and 429 storms, timeouts, unknown outcomes, credits."""

from __future__ import annotations

import time

import pytest
import structlog

from tests.integration.desk.conftest import (
    FAST_POLICY,
    desk_settings,
    last_write_seq,
    limited_refresh_token,
    run_in_threads,
    writes,
)
from tests.support.ports import free_port
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.errors import (
    CreditsExhausted,
    InvalidData,
    InvalidRequest,
    NetworkError,
    NotFound,
    OrgMismatch,
    OutcomeUnknown,
    ScopeMismatch,
    ServerError,
)
from worker.desk.models import CommentInput
from worker.desk.retry import RetryPolicy


def first_ticket(desk):
    return desk.tickets.list(limit=1)[0]


# -- typed errors ---------------------------------------------------------------------------------------------------
def test_given_a_missing_ticket_then_not_found_carries_code_status_and_request(desk):
    with pytest.raises(NotFound) as raised:
        desk.tickets.get("1")
    error = raised.value
    assert (error.status, error.error_code, error.method, error.path) == (404, "URL_NOT_FOUND", "GET", "/tickets/1")


def test_given_invalid_data_then_the_error_names_the_fields(desk):
    with pytest.raises(InvalidData) as raised:
        desk.tickets.create({"subject": "no department"})
    assert "/departmentId" in raised.value.field_names
    assert raised.value.status == 422


def test_given_an_unknown_query_parameter_then_invalid_request(desk):
    with pytest.raises(InvalidRequest) as raised:
        desk.transport.request("GET", "/tickets", params={"bogus": "1"})
    assert raised.value.error_code == "UNPROCESSABLE_ENTITY" and "bogus" in raised.value.message


def test_given_the_bearer_token_scheme_then_calls_work_too(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, token_scheme="Bearer")
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY)
    try:
        assert client.tickets.list(limit=1)
    finally:
        client.close()


def test_given_an_org_the_token_does_not_belong_to_then_org_mismatch(settings, redis_server):
    client = DeskClient(desk_config(settings), redis_server.client(), "999999", policy=FAST_POLICY)
    try:
        with pytest.raises(OrgMismatch) as raised:
            client.tickets.list(limit=1)
        assert raised.value.status == 401
    finally:
        client.close()


def test_given_a_token_without_a_scope_then_scope_mismatch(sandbox, redis_server):
    token = limited_refresh_token(sandbox, ["Desk.tickets.READ"])
    settings = desk_settings(sandbox, redis_server, refresh_token=token)
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY)
    try:
        assert client.tickets.list(limit=1)
        with pytest.raises(ScopeMismatch):
            client.contacts.list(limit=1)
    finally:
        client.close()


# -- 5xx ------------------------------------------------------------------------------------------------------------
def test_given_a_5xx_storm_then_reads_and_idempotent_writes_get_through_by_retrying(desk, sandbox):
    ticket = first_ticket(desk)
    sandbox.control.post("/_sandbox/faults", json={"errorRate": 0.4})
    with structlog.testing.capture_logs() as logs:
        for _ in range(15):
            assert desk.tickets.get(ticket.id).id == ticket.id
        updated = desk.tickets.update(ticket.id, {"priority": "High"})
    assert updated.priority == "High"
    retries = [e for e in logs if e["event"] == "desk.retry"]
    assert retries and all(e["reason"] == "http_500" for e in retries)
    assert desk.transport.stats.attempts > desk.transport.stats.calls


def test_given_only_5xx_then_server_error_after_the_bounded_attempts(desk, sandbox):
    ticket = first_ticket(desk)
    sandbox.control.post("/_sandbox/faults", json={"errorRate": 1.0})
    before = desk.transport.stats.attempts
    with pytest.raises(ServerError) as raised:
        desk.tickets.get(ticket.id)
    assert raised.value.status == 500
    assert desk.transport.stats.attempts - before == FAST_POLICY.attempts


def test_given_a_5xx_on_a_comment_then_outcome_unknown_and_no_second_post(desk, sandbox):
    ticket = first_ticket(desk)
    seq = last_write_seq(sandbox)
    sandbox.control.post("/_sandbox/faults", json={"errorRate": 1.0})
    with pytest.raises(OutcomeUnknown) as raised:
        desk.comments.create(ticket.id, CommentInput(content="marker-5xx", isPublic=False))
    assert raised.value.status == 500 and raised.value.method == "POST"
    posted = [w for w in writes(sandbox, seq) if w["method"] == "POST"]
    assert len(posted) == 1


def test_given_a_write_applied_but_its_answer_lost_then_outcome_unknown_and_the_caller_can_verify(desk, sandbox):
    ticket = first_ticket(desk)
    sandbox.control.post("/_sandbox/faults", json={"phantomWriteRate": 1.0})
    with pytest.raises(OutcomeUnknown):
        desk.comments.create(ticket.id, CommentInput(content="marker-phantom", isPublic=False))
    sandbox.control.delete("/_sandbox/faults")
    assert [c.content for c in desk.comments.iter(ticket.id)].count("marker-phantom") == 1


def test_given_a_lost_answer_on_an_idempotent_patch_then_it_is_retried_and_succeeds(desk, sandbox):
    ticket = first_ticket(desk)
    desk.transport.policy = RetryPolicy(attempts=10, base_s=0.01, cap_s=0.05, deadline_s=20)
    sandbox.control.post("/_sandbox/faults", json={"phantomWriteRate": 0.5})
    for priority in ("High", "Low", "Medium", "High"):
        assert desk.tickets.update(ticket.id, {"priority": priority}).priority == priority


# -- 429 ------------------------------------------------------------------------------------------------------------
def test_given_a_429_storm_then_every_call_succeeds_and_the_pause_is_shared(desk, sandbox):
    ticket = first_ticket(desk)
    sandbox.control.post("/_sandbox/faults", json={"throttleRate": 0.3, "retryAfterS": 1})
    done: list[str] = []
    failures: list[BaseException] = []

    def worker():
        for _ in range(2):
            try:
                done.append(desk.tickets.get(ticket.id).id)
            except BaseException as exc:  # pragma: no cover - reported by the assert
                failures.append(exc)

    started = time.monotonic()
    with structlog.testing.capture_logs() as logs:
        run_in_threads(worker, 4, 60)
    assert failures == [] and len(done) == 8
    pauses = [e for e in logs if e["event"] == "desk.budget.paused"]
    assert pauses and all(e["retry_after_s"] == 1.0 for e in pauses)
    assert time.monotonic() - started >= 1.0  # calls waited out the Retry-After


# -- timeouts and connection failures ----------------------------------------------------------------------------
def test_given_a_slow_desk_then_reads_time_out_and_retry_and_writes_are_unknown(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, http_timeout_s=0.3)
    policy = RetryPolicy(attempts=2, base_s=0.01, cap_s=0.05, deadline_s=10)
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=policy)
    try:
        ticket = client.tickets.list(limit=1)[0]
        sandbox.control.post("/_sandbox/faults", json={"latencyMs": 800})
        with pytest.raises(NetworkError) as raised:
            client.tickets.get(ticket.id)
        assert isinstance(raised.value.__cause__, Exception)
        with pytest.raises(OutcomeUnknown):
            client.comments.create(ticket.id, {"content": "slow"})
        # Leases of timed-out calls are not handed back early: the Desk may still be serving them.
        assert client.budget.snapshot(client.org_id)["leases"] == 3
    finally:
        client.close()


def test_given_a_desk_that_refuses_connections_then_even_a_comment_is_retried_then_network_error(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, api_root=f"http://127.0.0.1:{free_port()}/api/v1")
    policy = RetryPolicy(attempts=3, base_s=0.01, cap_s=0.05, deadline_s=10)
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=policy)
    try:
        with pytest.raises(NetworkError):
            client.comments.create("1", {"content": "never sent"})
        assert client.transport.stats.attempts == 3
        assert client.budget.snapshot(client.org_id)["leases"] == 0
    finally:
        client.close()


# -- credits and the reserve ------------------------------------------------------------------------------------------
def test_given_few_credits_left_then_normal_calls_stop_at_the_reserve_and_escalations_go_on(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, desk_daily_credits=20, desk_reserve_share=0.25)
    sandbox.control.post("/_sandbox/config", json={"dailyCredits": 10})
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY)
    try:
        ticket = client.tickets.list(limit=1)[0]  # the Desk says 9 left: the reserve is 25% of 9, 2 credits
        normal = 0
        with pytest.raises(CreditsExhausted) as raised:
            while True:
                client.tickets.get(ticket.id)
                normal += 1
        assert raised.value.error_code == "CREDITS_RESERVED"
        assert normal == 7  # 9 -> 2 left
        high = 0
        with pytest.raises(CreditsExhausted) as raised:
            while True:
                client.tickets.update(ticket.id, {"priority": "High"}, priority="high")
                high += 1
        assert high == 2 and raised.value.error_code == "CREDITS_EXHAUSTED"
        assert raised.value.retry_after > 0
    finally:
        client.close()
