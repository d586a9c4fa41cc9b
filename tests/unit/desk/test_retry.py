"""The retry policy: what is retried, and the jittered, bounded backoff."""

from __future__ import annotations

import random

import httpx
import pytest

from worker.desk.retry import (
    RetryPolicy,
    RetryVerdict,
    classify_exception,
    classify_status,
    default_idempotent,
    was_maybe_sent,
)

REQUEST = httpx.Request("POST", "http://127.0.0.1/api/v1/tickets/1/comments")


@pytest.mark.parametrize(
    "method,expected", [("GET", True), ("PATCH", True), ("PUT", True), ("DELETE", True), ("POST", False)]
)
def test_default_idempotency_by_method(method, expected):
    assert default_idempotent(method) is expected


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused", request=REQUEST),
        httpx.ConnectTimeout("t", request=REQUEST),
        httpx.PoolTimeout("t", request=REQUEST),
    ],
)
def test_given_the_request_never_left_then_even_a_non_idempotent_write_is_retried(exc):
    assert classify_exception(exc, idempotent=False) is RetryVerdict.RETRY
    assert not was_maybe_sent(exc)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("t", request=REQUEST),
        httpx.WriteTimeout("t", request=REQUEST),
        httpx.ReadError("reset", request=REQUEST),
        httpx.RemoteProtocolError("closed", request=REQUEST),
    ],
)
def test_given_no_answer_after_sending_then_reads_retry_and_writes_are_unknown(exc):
    assert classify_exception(exc, idempotent=True) is RetryVerdict.RETRY
    assert classify_exception(exc, idempotent=False) is RetryVerdict.UNKNOWN
    assert was_maybe_sent(exc)


def test_given_a_5xx_then_idempotent_calls_retry_and_others_are_unknown():
    assert classify_status(500, idempotent=True) is RetryVerdict.RETRY
    assert classify_status(503, idempotent=False) is RetryVerdict.UNKNOWN
    assert classify_status(422, idempotent=True) is RetryVerdict.FAIL


def test_backoff_is_full_jitter_under_an_exponential_ceiling():
    policy = RetryPolicy(attempts=6, base_s=0.5, cap_s=3.0, deadline_s=60)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (5, 3.0)]:
        delays = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the whole range, not a fixed delay
        assert min(delays) < ceiling * 0.2


def test_attempts_and_deadline_bound_the_retries():
    policy = RetryPolicy(attempts=3, base_s=0.1, cap_s=1.0, deadline_s=10)
    assert policy.may_retry(1, 0.1, time_left_s=5)
    assert policy.may_retry(2, 0.1, time_left_s=5)
    assert not policy.may_retry(3, 0.1, time_left_s=5)
    assert not policy.may_retry(1, 2.0, time_left_s=1.0)
