"""Fixtures for the Desk client's integration tests: settings pointing at the sandbox and a real redis-server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from config.settings import Settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.retry import RetryPolicy

# Fast retries so that fault-injection tests stay short.
FAST_POLICY = RetryPolicy(attempts=5, base_s=0.02, cap_s=0.2, deadline_s=20.0)


def desk_settings(sandbox, redis_server, **overrides) -> Settings:
    values = dict(
        api_root=sandbox.api_root,
        accounts_url=sandbox.accounts_url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        refresh_token=sandbox.refresh_token,
        org_ids=list(sandbox.org_ids),
        redis_url=redis_server.url,
        http_timeout_s=10.0,
        desk_connect_timeout_s=2.0,
        desk_acquire_timeout_s=10.0,
        desk_throttle_backoff_s=0.1,
        _env_file=None,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(sandbox, redis_server) -> Settings:
    return desk_settings(sandbox, redis_server)


@pytest.fixture
def desk(settings, sandbox, redis_server) -> Iterator[DeskClient]:
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY)
    yield client
    client.close()


def limited_refresh_token(sandbox, scopes: list[str]) -> str:
    """A refresh token holding only `scopes`, obtained as a user would: authorize, then exchange the code."""
    from urllib.parse import parse_qs, urlparse

    import httpx

    answer = sandbox.control.get(
        "/oauth/v2/auth",
        params={
            "response_type": "code",
            "client_id": sandbox.client_id,
            "scope": ",".join(scopes),
            "redirect_uri": "http://127.0.0.1/oauthgrant",
            "access_type": "offline",
        },
    )
    assert answer.status_code == 302, answer.text
    code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        f"{sandbox.accounts_url}/oauth/v2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "redirect_uri": "http://127.0.0.1/oauthgrant",
        },
    ).json()
    return tokens["refresh_token"]


def writes(sandbox, since: int = 0) -> list[dict]:
    return sandbox.control.get("/_sandbox/writes", params={"since": since}).json()["data"]


def last_write_seq(sandbox) -> int:
    entries = writes(sandbox)
    return max((entry["seq"] for entry in entries), default=0)


def run_in_threads(target: Callable[[], None], count: int, join_timeout_s: float) -> None:
    """Run `target` in `count` threads at once and wait for them (at most `join_timeout_s` for each)."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(join_timeout_s)
