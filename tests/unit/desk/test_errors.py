"""Mapping Desk answers to the typed error hierarchy."""

from __future__ import annotations

import pytest

from worker.desk import errors as e


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "INVALID_OAUTH", e.AuthError),
        (401, "UNAUTHORIZED", e.AuthError),
        (401, "SCOPE_MISMATCH", e.ScopeMismatch),
        (401, "OAUTH_ORG_MISMATCH", e.OrgMismatch),
        (403, "FORBIDDEN", e.Forbidden),
        (403, "LICENSE_ACCESS_LIMITED", e.Forbidden),
        (404, "URL_NOT_FOUND", e.NotFound),
        (422, "UNPROCESSABLE_ENTITY", e.InvalidRequest),
        (422, "EMPTY_PAYLOAD", e.InvalidRequest),
        (413, "RESOURCE_SIZE_EXCEEDED", e.InvalidRequest),
        (415, "UNSUPPORTED_MEDIA_TYPE", e.InvalidRequest),
        (405, "METHOD_NOT_ALLOWED", e.InvalidRequest),
        (400, "BAD_REQUEST", e.InvalidRequest),
        (429, "TOO_MANY_REQUESTS", e.ThrottledByDesk),
        (429, "THRESHOLD_EXCEEDED", e.ThrottledByDesk),
        (500, "INTERNAL_SERVER_ERROR", e.ServerError),
        (503, None, e.ServerError),
        (404, None, e.NotFound),
        (418, None, e.InvalidRequest),
    ],
)
def test_given_a_desk_error_answer_when_mapped_then_the_class_follows_the_code_then_the_status(status, code, expected):
    body = {"errorCode": code, "message": "m"} if code else None
    error = e.error_for_response(status, body, method="GET", path="/tickets/1")
    assert type(error) is expected
    assert error.status == status
    assert error.method == "GET" and error.path == "/tickets/1"
    assert isinstance(error, e.DeskError)


def test_given_invalid_data_when_mapped_then_field_names_are_kept():
    body = {
        "errorCode": "INVALID_DATA",
        "message": "An invalid value was passed",
        "errors": [
            {"fieldName": "/contactId", "errorType": "invalid"},
            {"fieldName": "/subject", "errorType": "missing"},
        ],
    }
    error = e.error_for_response(422, body, method="POST", path="/tickets")
    assert isinstance(error, e.InvalidData)
    assert error.field_names == ["/contactId", "/subject"]
    assert error.fields[1].error_type == "missing"
    assert "/contactId: invalid" in str(error)
    assert error.error_code == "INVALID_DATA"


def test_given_a_429_when_mapped_then_retry_after_is_carried():
    error = e.error_for_response(
        429, {"errorCode": "THRESHOLD_EXCEEDED", "message": "x"}, method="GET", path="/tickets", retry_after=12.0
    )
    assert isinstance(error, e.RateLimited)
    assert error.retry_after == 12.0
    assert "retry after 12.0s" in str(error)


def test_given_any_error_then_its_text_names_request_status_and_code():
    error = e.NotFound("The requested URL was not found", status=404, method="GET", path="/tickets/9")
    assert str(error) == "GET /tickets/9 -> 404 URL_NOT_FOUND: The requested URL was not found"
    assert "NotFound(" in repr(error) and "URL_NOT_FOUND" in repr(error)


def test_outcome_unknown_is_distinct_from_retryable_failures():
    assert not issubclass(e.OutcomeUnknown, (e.ServerError, e.NetworkError, e.RateLimited))
    cause = TimeoutError("read timeout")
    error = e.OutcomeUnknown("no answer", cause=cause, method="POST", path="/tickets/1/comments")
    assert error.cause is cause and error.error_code == "OUTCOME_UNKNOWN"


def test_local_budget_errors_are_rate_limited():
    assert issubclass(e.BudgetWaitTimeout, e.RateLimited)
    assert issubclass(e.CreditsExhausted, e.RateLimited)
    assert issubclass(e.TokenRefreshError, e.AuthError)
