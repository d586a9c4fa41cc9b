"""The accounts server's limit of live access tokens per refresh token, over real HTTP: the 16th token minted from
one refresh token invalidates the oldest (mints spread over two 10-minute windows, the sandbox clock moved on)."""

from __future__ import annotations

import httpx

from sandbox.oauth import ACTIVE_PER_REFRESH, MINTS_PER_WINDOW
from tests.integration.sandbox.helpers import advance, api
from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 1  # seeded per org in this module's sandbox (conftest.py)


def mint(desk: SandboxProcess) -> str:
    answer = httpx.post(
        f"{desk.accounts_url}/oauth/v2/token",
        params={
            "grant_type": "refresh_token",
            "client_id": desk.client_id,
            "client_secret": desk.client_secret,
            "refresh_token": desk.refresh_token,
        },
    ).json()
    return str(answer["access_token"])


def works(desk: SandboxProcess, token: str) -> bool:
    with api(desk, token) as client:
        return client.get("/roles").status_code == 200


def test_the_sixteenth_live_token_invalidates_the_oldest(desk: SandboxProcess):
    tokens: list[str] = []
    while len(tokens) < ACTIVE_PER_REFRESH:
        tokens += [mint(desk) for _ in range(min(MINTS_PER_WINDOW, ACTIVE_PER_REFRESH - len(tokens)))]
        advance(desk, 601)  # past the mint window; an hour's tokens stay live
    assert all(works(desk, token) for token in tokens)
    newest = mint(desk)
    assert not works(desk, tokens[0])
    assert all(works(desk, token) for token in [*tokens[1:], newest])
