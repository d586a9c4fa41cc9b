"""What each answer of the accounts server means: refused credentials are permanent, an outage passes."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from worker.desk.config import DeskConfig
from worker.desk.errors import RateLimited, TokenRefreshError, TokenUnavailable
from worker.desk.token_endpoint import THROTTLED_RETRY_S, mint

CONFIG = DeskConfig(
    accounts_url="https://accounts.example", client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r")
)


def answering(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_given_a_token_then_it_and_its_lifetime_are_returned():
    http = answering(lambda request: httpx.Response(200, json={"access_token": "a", "expires_in": 3600}))
    assert mint(http, CONFIG) == ("a", 3600.0)


@pytest.mark.parametrize("code", ["invalid_code", "invalid_client", "invalid_client_secret", "unsupported_grant_type"])
def test_given_refused_credentials_then_the_error_is_permanent(code):
    http = answering(lambda request: httpx.Response(200, json={"error": code}))
    with pytest.raises(TokenRefreshError) as raised:
        mint(http, CONFIG)
    assert raised.value.error_code == code and not isinstance(raised.value, RateLimited)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (httpx.Response(503, text="<html>down</html>"), "TOKEN_ENDPOINT_ERROR"),
        (httpx.Response(500, json={"error": "internal"}), "TOKEN_ENDPOINT_ERROR"),
        (httpx.Response(200, text="not json"), "TOKEN_ENDPOINT_ERROR"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "no_access_token"),
        (
            httpx.Response(200, json={"error": "Access Denied", "error_description": "too many requests"}),
            "Access Denied",
        ),
    ],
)
def test_given_an_outage_or_throttling_then_the_error_passes_with_a_retry_after(answer, code):
    http = answering(lambda request: answer)
    with pytest.raises(TokenUnavailable) as raised:
        mint(http, CONFIG)
    assert raised.value.error_code == code and raised.value.retry_after > 0
    assert not isinstance(raised.value, TokenRefreshError)  # never in the permanent branch of the enforcer


def test_given_an_unreachable_server_then_the_error_passes():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(TokenUnavailable) as raised:
        mint(answering(refuse), CONFIG)
    assert raised.value.error_code == "TOKEN_ENDPOINT_UNREACHABLE"


def test_the_servers_throttling_is_given_a_minute():
    http = answering(lambda request: httpx.Response(200, json={"error": "Access Denied"}))
    with pytest.raises(TokenUnavailable) as raised:
        mint(http, CONFIG)
    assert raised.value.retry_after == THROTTLED_RETRY_S
