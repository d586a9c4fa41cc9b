"""Pure helpers of the transport: Retry-After and query parameters."""

from __future__ import annotations

import email.utils
import time

from worker.desk.http_values import clean_params, parse_retry_after


def test_retry_after_in_seconds_or_as_an_http_date():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after(when) <= 31


def test_query_parameters_drop_none_and_speak_the_desks_forms():
    assert clean_params({"from": 0, "limit": 100, "departmentId": None}) == {"from": 0, "limit": 100}
    assert clean_params({"isPublic": True, "status": ["Open", "On Hold"]}) == {
        "isPublic": "true",
        "status": "Open,On Hold",
    }
    assert clean_params({"x": None}) is None


def test_retry_after_that_is_negative_or_not_a_finite_number_counts_as_absent():
    for garbled in ("-5", "inf", "nan", "1e999", "-inf"):
        assert parse_retry_after(garbled) is None, garbled
    assert parse_retry_after("999999999") == 999999999.0  # large but valid: the budget caps the pause
