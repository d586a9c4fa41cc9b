"""The sandbox's auth behaves like the real Desk: schemes, expiry, scopes, org mismatch, mint limits."""

from __future__ import annotations

import httpx
import pytest

from sandbox.oauth import MINTS_PER_WINDOW
from tests.integration.sandbox.helpers import api


def token_call(sandbox, **params) -> dict:
    return httpx.post(f"{sandbox.accounts_url}/oauth/v2/token", params=params).json()


def test_refresh_grant_answers_like_zoho(sandbox):
    # given the printed credentials / when a refresh_token grant is posted
    answer = token_call(
        sandbox,
        grant_type="refresh_token",
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        refresh_token=sandbox.refresh_token,
    )
    # then the answer has Zoho's fields and no new refresh token
    assert set(answer) == {"access_token", "expires_in", "api_domain", "token_type"}
    assert answer["expires_in"] == 3600 and answer["token_type"] == "Bearer"


def test_token_endpoint_errors_are_http_200(sandbox):
    response = httpx.post(
        f"{sandbox.accounts_url}/oauth/v2/token",
        params={
            "grant_type": "refresh_token",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "refresh_token": "1000.bad.bad",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"error": "invalid_code"}


def test_authorization_code_flow(sandbox):
    # given the auth endpoint approves at once and redirects with a code
    redirect = httpx.get(
        f"{sandbox.accounts_url}/oauth/v2/auth",
        params={
            "response_type": "code",
            "client_id": sandbox.client_id,
            "scope": "Desk.tickets.READ,Desk.basic.READ",
            "redirect_uri": "http://127.0.0.1/oauthgrant",
            "access_type": "offline",
            "state": "xyz",
        },
    )
    assert redirect.status_code == 302
    location = httpx.URL(redirect.headers["location"])
    code = location.params["code"]
    assert location.params["state"] == "xyz"
    # when the code is exchanged
    answer = token_call(
        sandbox,
        grant_type="authorization_code",
        code=code,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        redirect_uri="http://127.0.0.1/oauthgrant",
    )
    # then a refresh token comes too, and the access token carries only the granted scopes
    assert "refresh_token" in answer
    with api(sandbox, token=answer["access_token"]) as client:
        assert client.get("/tickets", params={"limit": 1}).status_code == 200
        denied = client.get("/contacts", params={"limit": 1})
    assert denied.status_code == 401 and denied.json()["errorCode"] == "SCOPE_MISMATCH"
    # and a code works once only
    again = token_call(
        sandbox,
        grant_type="authorization_code",
        code=code,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
    )
    assert again == {"error": "invalid_code"}


@pytest.mark.parametrize("scheme", ["Zoho-oauthtoken", "Bearer"])
def test_both_token_schemes_are_accepted(sandbox, scheme):
    with api(sandbox, scheme=scheme) as client:
        assert client.get("/organizations").status_code == 200


def test_missing_and_bad_tokens(sandbox):
    plain = httpx.Client(base_url=sandbox.api_root, headers={"orgId": sandbox.org_ids[0]})
    missing = plain.get("/tickets")
    assert missing.status_code == 401 and missing.json()["errorCode"] == "UNAUTHORIZED"
    bad = plain.get("/tickets", headers={"Authorization": "Zoho-oauthtoken 1000.abc.def"})
    assert bad.status_code == 401 and bad.json()["errorCode"] == "INVALID_OAUTH"


def test_org_header_required_except_for_organizations(sandbox):
    token = sandbox.access_token()
    with api(sandbox, token=token, org_id=False) as client:
        assert client.get("/organizations").status_code == 200
        response = client.get("/tickets")
    assert response.status_code == 422


def test_token_of_another_org_is_a_mismatch(sandbox):
    with api(sandbox, org_id="999999") as client:
        response = client.get("/tickets")
    assert response.status_code == 401 and response.json()["errorCode"] == "OAUTH_ORG_MISMATCH"


def test_tokens_expire_and_revoke(sandbox):
    # given tokens living 60 s
    sandbox.control.post("/_sandbox/config", json={"tokenTtlS": 60})
    token = sandbox.access_token()
    with api(sandbox, token=token) as client:
        assert client.get("/organizations").status_code == 200
        # when the clock passes the expiry
        sandbox.control.post("/_sandbox/clock/advance", json={"seconds": 61})
        expired = client.get("/organizations")
    # then the token is refused as the Desk refuses expired ones
    assert expired.status_code == 401 and expired.json()["errorCode"] == "INVALID_OAUTH"
    fresh = sandbox.access_token()
    sandbox.control.post("/_sandbox/tokens/revoke")
    with api(sandbox, token=fresh) as client:
        assert client.get("/organizations").json()["errorCode"] == "INVALID_OAUTH"


def test_refresh_token_mints_at_most_ten_per_ten_minutes(sandbox):
    params = dict(
        grant_type="refresh_token",
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        refresh_token=sandbox.refresh_token,
    )
    answers = [token_call(sandbox, **params) for _ in range(MINTS_PER_WINDOW + 1)]
    assert all("access_token" in answer for answer in answers[:MINTS_PER_WINDOW])
    assert answers[-1]["error"] == "Access Denied"
    sandbox.control.post("/_sandbox/clock/advance", json={"seconds": 601})
    assert "access_token" in token_call(sandbox, **params)
    stats = sandbox.control.get("/_sandbox/tokens/stats").json()
    assert stats["refreshes"] == MINTS_PER_WINDOW + 1
