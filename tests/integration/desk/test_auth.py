"""OAuth against the sandbox's accounts server: the shared token, expiry mid-run, revocation, failures, secrecy."""

from __future__ import annotations

import pytest
import structlog

from tests.integration.desk.conftest import FAST_POLICY, desk_settings, run_in_threads
from worker.app.desk_config import desk_config
from worker.desk.auth import MINT_LIMIT, TokenProvider
from worker.desk.client import DeskClient
from worker.desk.errors import TokenRefreshError, TokenUnavailable


def token_stats(sandbox) -> dict:
    return sandbox.control.get("/_sandbox/tokens/stats").json()


def test_given_many_threads_and_no_token_when_they_all_call_then_one_token_is_minted(desk, sandbox):
    errors = []

    def call():
        try:
            desk.tickets.list(limit=1)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    run_in_threads(call, 12, 30)
    assert errors == []
    assert token_stats(sandbox)["minted"] == 1


def test_given_two_clients_sharing_redis_then_the_second_reuses_the_first_ones_token(settings, sandbox, redis_server):
    first = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY)
    second = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[1], policy=FAST_POLICY)
    try:
        first.tickets.list(limit=1)
        second.tickets.list(limit=1)
        assert token_stats(sandbox)["minted"] == 1
        assert first.tokens.refreshes == 1 and second.tokens.refreshes == 0
    finally:
        first.close()
        second.close()


def test_given_revoked_tokens_when_a_call_gets_401_then_it_refreshes_once_and_succeeds(desk, sandbox):
    desk.tickets.list(limit=1)
    sandbox.control.post("/_sandbox/tokens/revoke")
    with structlog.testing.capture_logs() as logs:
        tickets = desk.tickets.list(limit=2)
    assert len(tickets) == 2
    assert token_stats(sandbox)["minted"] == 2
    assert [e["event"] for e in logs if e["event"].startswith("desk.token")] == [
        "desk.token.refused",
        "desk.token.refreshed",
    ]


def test_given_tokens_that_expire_every_second_when_calls_go_on_then_each_expiry_costs_one_refresh(desk, sandbox):
    import time

    sandbox.control.post("/_sandbox/config", json={"tokenTtlS": 1})
    started = time.monotonic()
    calls = 0
    while time.monotonic() - started < 3.2:
        desk.tickets.list(limit=1)
        calls += 1
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    minted = token_stats(sandbox)["minted"]
    # Tokens are cached for 90% of their life: at most one mint per (0.9 s) lifetime, plus the first.
    assert calls > 50
    assert 3 <= minted <= int(elapsed / 0.9) + 2


def test_given_a_wrong_refresh_token_then_token_refresh_error_names_the_fix_and_no_secret(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, refresh_token="1000." + "ab" * 16 + "." + "cd" * 16)
    client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY)
    try:
        with pytest.raises(TokenRefreshError) as raised:
            client.tickets.list(limit=1)
        assert raised.value.error_code == "invalid_code"
        assert "DESKPILOT_REFRESH_TOKEN" in str(raised.value)
        for secret in (settings.refresh_token.get_secret_value(), settings.client_secret.get_secret_value()):
            assert secret not in str(raised.value) and secret not in repr(raised.value)
        # A second call within moments fails fast from the remembered failure: no second mint attempt.
        with pytest.raises(TokenRefreshError):
            client.tickets.list(limit=1)
        assert token_stats(sandbox)["minted"] == 0
    finally:
        client.close()


def test_given_the_mint_limit_is_reached_then_the_client_stops_before_the_accounts_server_locks_it_out(desk, sandbox):
    desk.tokens.get()  # the first mint
    for _ in range(MINT_LIMIT - 1):
        desk.tokens.refresh(stale=desk.tokens.get())
    with pytest.raises(TokenUnavailable) as raised:  # passing: actions wait for the window, not dead-lettered
        desk.tokens.refresh(stale=desk.tokens.get())
    assert raised.value.error_code == "TOKEN_MINT_LIMIT" and 0 < raised.value.retry_after <= 600
    assert token_stats(sandbox)["minted"] == MINT_LIMIT


def test_no_token_or_secret_in_logs_reprs_or_errors(settings, desk, sandbox):
    with structlog.testing.capture_logs() as logs:
        desk.tickets.list(limit=1)
        sandbox.control.post("/_sandbox/tokens/revoke")
        desk.tickets.list(limit=1)
    token = desk.tokens.get()
    secrets = [settings.client_secret.get_secret_value(), settings.refresh_token.get_secret_value(), token.value]
    texts = [repr(logs), repr(desk), repr(desk.tokens), repr(token), str(token), repr(settings), repr(desk.transport)]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert all("Authorization" not in repr(event) for event in logs)


def test_token_provider_shares_across_providers_through_redis(settings, sandbox, redis_server):
    a = TokenProvider(desk_config(settings), redis_server.client())
    b = TokenProvider(desk_config(settings), redis_server.client())
    try:
        assert a.get().value == b.get().value
        stale = a.get()
        b.invalidate(stale)
        fresh = a.refresh(stale)
        assert fresh.value != stale.value
        assert b.get().value == fresh.value
        # A late 401 from the old token does not throw away the new one.
        a.invalidate(stale)
        assert b.get().value == fresh.value
        assert token_stats(sandbox)["minted"] == 2
    finally:
        a.close()
        b.close()
