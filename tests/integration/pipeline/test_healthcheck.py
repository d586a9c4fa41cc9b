"""The /healthz verdict against a real redis-server: each reason, and a clean bill when work flows."""

from __future__ import annotations

import pytest
import redis

from config.settings import Settings
from tests.support.ports import free_port
from worker.app.health import HealthCheck
from worker.store.health import PollHealth
from worker.store.keys import Keys, server_ms
from worker.store.ticks import Ticks

key = Keys().key  # the default namespace, as Store.connect() uses

ORG = "7"
MINUTE_MS = 60_000


def settings() -> Settings:
    return Settings(_env_file=None, org_ids=[ORG], poll_interval_s=1.0, reconcile_interval_s=1.0, health_grace_s=5.0)


@pytest.fixture
def client(redis_server) -> redis.Redis:
    return redis_server.client()


def check(client: redis.Redis, started_ms: int) -> HealthCheck:
    return HealthCheck(client, settings(), started_ms, pause_s=lambda _: 0.0)


def test_polls_succeeding_and_nothing_overdue_is_healthy(client):
    PollHealth(client, Keys()).succeeded(ORG)
    verdict = check(client, server_ms(client)).verdict()
    assert verdict.healthy and verdict.as_dict()["status"] == "ok"


def test_an_org_without_a_successful_poll_past_the_grace_is_unhealthy_with_the_last_error(client):
    # given a service started a minute ago whose polls of the org all failed
    PollHealth(client, Keys()).failed(ORG, "AuthError: GET /tickets/search -> 401 INVALID_OAUTH")
    verdict = check(client, server_ms(client) - MINUTE_MS).verdict()
    # then the reason names the org, the limit and the last error
    [reason] = verdict.reasons
    assert reason.startswith(f"org {ORG}: no successful poll for 60s (limit 5s)") and "401 INVALID_OAUTH" in reason
    assert verdict.orgs[ORG]["consecutive_poll_failures"] == 1


def test_events_overdue_past_the_grace_are_unhealthy(client):
    client.zadd(key("events", "pending"), {"ev-1": server_ms(client) - MINUTE_MS})
    PollHealth(client, Keys()).succeeded(ORG)
    verdict = check(client, server_ms(client)).verdict()
    assert verdict.reasons == ["1 events not evaluated 5s past their deadline: are workers running?"]


def test_redis_not_answering_is_unhealthy():
    gone = redis.Redis(port=free_port(), socket_connect_timeout=1, decode_responses=True)
    verdict = HealthCheck(gone, settings(), 0, pause_s=lambda _: 0.0).verdict()
    assert verdict.reasons == ["Redis does not answer (ConnectionError)"]


def test_a_long_first_backfill_making_progress_is_not_a_failure(client):
    # given a service started a minute ago whose first poll of the org is still reading (holding its lease)
    assert Ticks(client, Keys()).hold(f"poll:{ORG}", "worker-1", MINUTE_MS)
    # then the org is not reported
    verdict = check(client, server_ms(client) - MINUTE_MS).verdict()
    assert verdict.healthy and verdict.orgs[ORG]["poll_running"] is True


def test_a_poll_running_after_failures_does_not_hide_them(client):
    PollHealth(client, Keys()).failed(ORG, "ServerError: GET /tickets/search -> 500")
    assert Ticks(client, Keys()).hold(f"poll:{ORG}", "worker-1", MINUTE_MS)
    verdict = check(client, server_ms(client) - MINUTE_MS).verdict()
    assert not verdict.healthy
