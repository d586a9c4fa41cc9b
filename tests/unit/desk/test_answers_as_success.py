"""A 2xx is only a success when it carries what was asked for: an error object, a body that is not JSON or a create
without its record are errors of the right kind (fakes for the token and the budget; no Redis, no Desk)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from worker.desk.auth import AccessToken
from worker.desk.budget import Lease
from worker.desk.config import DeskConfig
from worker.desk.errors import InvalidData, MalformedResponse, NotFound, OutcomeUnknown, ServerError
from worker.desk.retry import RetryPolicy
from worker.desk.transport import Transport

CONFIG = DeskConfig(
    api_root="https://desk.example/api/v1", client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r")
)
QUICK = RetryPolicy(attempts=3, base_s=0.0, cap_s=0.0, deadline_s=10.0)


class Tokens:
    def get(self) -> AccessToken:
        return AccessToken(value="t", ttl_s=60.0)

    def invalidate(self, token: AccessToken) -> None:
        pass


class Budget:
    def acquire(self, org_id: str, **_: object) -> Lease:
        return Lease(org_id=org_id, lease_id="l")

    def release(self, lease: Lease, *, remaining: int | None = None) -> None:
        pass


def transport(answers: list[httpx.Response]) -> tuple[Transport, list[httpx.Request]]:
    sent: list[httpx.Request] = []
    replies: Iterator[httpx.Response] = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(replies)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return Transport(CONFIG, None, "1", http=http, tokens=Tokens(), budget=Budget(), policy=QUICK), sent  # type: ignore[arg-type]


def test_given_a_write_answered_200_with_invalid_data_then_the_permanent_error_is_raised():
    t, _ = transport(
        [
            httpx.Response(
                200,
                json={
                    "errorCode": "INVALID_DATA",
                    "message": "bad",
                    "errors": [{"fieldName": "/content", "errorType": "missing"}],
                },
            )
        ]
    )
    with pytest.raises(InvalidData) as raised:
        t.create("/tickets/1/comments", json={"content": "x"})
    assert raised.value.field_names == ["/content"]


def test_given_a_write_answered_200_with_a_server_error_then_its_outcome_is_unknown():
    t, sent = transport([httpx.Response(200, json={"errorCode": "INTERNAL_SERVER_ERROR", "message": "oops"})])
    with pytest.raises(OutcomeUnknown):
        t.create("/tickets/1/comments", json={"content": "x"})
    assert len(sent) == 1  # not sent again blindly


def test_given_a_read_answered_200_with_a_server_error_then_it_is_retried_like_a_500():
    t, sent = transport(
        [httpx.Response(200, json={"errorCode": "INTERNAL_SERVER_ERROR"}), httpx.Response(200, json={"data": []})]
    )
    assert t.request("GET", "/tickets") == {"data": []}
    assert len(sent) == 2


def test_given_reads_answered_200_with_errors_then_they_raise_their_kind():
    t, _ = transport([httpx.Response(200, json={"errorCode": "URL_NOT_FOUND"})])
    with pytest.raises(NotFound):
        t.request("GET", "/tickets/1")
    t, _ = transport([httpx.Response(200, json={"errorCode": "SOMETHING_NEW"})] * 3)
    with pytest.raises(ServerError):
        t.request("GET", "/tickets/1")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200),
        httpx.Response(200, json=None),
        httpx.Response(200, json={}),
        httpx.Response(200, json={"content": "x"}),
        httpx.Response(200, text="<html>gateway</html>"),
    ],
)
def test_given_a_create_answered_without_its_record_then_its_outcome_is_unknown(answer):
    t, _ = transport([answer])
    with pytest.raises(OutcomeUnknown):
        t.create("/tickets/1/comments", json={"content": "x"})


def test_a_record_is_never_taken_for_an_error_object():
    record = {"id": "5", "errorCode": "field of a record"}
    t, _ = transport([httpx.Response(200, json=record)])
    assert t.create("/tasks", json={}) == record


def test_given_a_read_answered_200_with_json_null_then_the_answer_is_malformed_not_empty():
    """The Desk says "nothing" with 204; a 200 `null` must not read as "no changes" (issue 10 item 3)."""
    t, _ = transport([httpx.Response(200, content=b"null", headers={"Content-Type": "application/json"})] * 3)
    with pytest.raises(MalformedResponse, match="body is null"):
        t.request("GET", "/tickets/search", params={"limit": 1})


def test_given_a_write_answered_200_with_json_null_then_its_outcome_is_unknown():
    t, _ = transport([httpx.Response(200, content=b"null", headers={"Content-Type": "application/json"})])
    with pytest.raises(OutcomeUnknown):
        t.request("POST", "/tickets/1/comments", json={"content": "x"})
