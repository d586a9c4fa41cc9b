"""A short accounts-server outage does not dead-letter actions: they wait, and are applied after recovery."""

from __future__ import annotations

import pytest

from tests.integration.pipeline.act_support import action, desk_clients, direct_api, first_ticket, setup, writes
from tests.support.ports import free_port
from worker.actions.enforcer import ApplyResult
from worker.app.desk_config import desk_config
from worker.desk.auth import MINT_LIMIT, TokenProvider
from worker.desk.errors import TokenUnavailable


def test_given_the_accounts_server_throttling_then_the_action_waits_and_is_applied_after_recovery(
    sandbox, redis_server
):
    settings, store, enforcer = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    for _ in range(MINT_LIMIT - 1):  # another client spent the refresh token's 10 mints of this window
        sandbox.access_token()
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "hello"}))
    with desk_clients(settings, store) as client_for:
        # When the action runs while the accounts server answers "Access Denied"
        with pytest.raises(TokenUnavailable) as raised:
            enforcer.apply("a1", client_for)
        # Then it is neither failed nor dead-lettered, and says when to try again
        assert raised.value.retry_after > 0
        assert not store.ledger.get("a1").final and store.dead_letters.list() == []
        # When the accounts server's window has passed (and our memory of the failure with it)
        sandbox.control.post("/_sandbox/clock/advance", json={"seconds": 601})
        store.redis.delete(TokenProvider(desk_config(settings), store.redis).failure_key)
        # Then the retry applies it, once
        assert enforcer.apply("a1", client_for) is ApplyResult.DONE
    assert len(writes(sandbox, "POST", "/comments")) == 1


def test_given_an_unreachable_accounts_server_then_calls_fail_as_passing_not_as_refused(sandbox, redis_server):
    settings, store, enforcer = setup(sandbox, redis_server, accounts_url=f"http://127.0.0.1:{free_port()}")
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    store.ledger.record("a1", action(sandbox, ticket, "comment", {"text": "hello"}))
    with desk_clients(settings, store) as client_for, pytest.raises(TokenUnavailable) as raised:
        enforcer.apply("a1", client_for)
    assert raised.value.error_code == "TOKEN_ENDPOINT_UNREACHABLE"
    assert not store.ledger.get("a1").final and store.dead_letters.list() == []
