"""Limits the Desk states over real HTTP: a Retry-After of years is capped; the reserve follows the org's budget."""

from __future__ import annotations

import pytest
import structlog.testing

from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from tests.support.sandbox import SandboxProcess
from worker.app.desk_config import desk_config
from worker.desk.budget import MAX_PAUSE_S
from worker.desk.client import DeskClient
from worker.desk.errors import ThrottledByDesk


@pytest.fixture
def free_edition_sandbox():
    process = SandboxProcess(orgs=1, tickets=5, extra_args=("--daily-credits", "5000")).start()
    yield process
    process.stop()


def test_given_an_org_of_5000_credits_and_the_default_setting_then_normal_calls_go_through(
    free_edition_sandbox, redis_server
):
    # Given the default desk_daily_credits (50,000: a 5,000-credit reserve) and a Desk whose org has 5,000
    settings = desk_settings(free_edition_sandbox, redis_server)
    assert settings.desk_daily_credits == 50_000
    client = DeskClient(
        desk_config(settings), redis_server.client(), free_edition_sandbox.org_ids[0], policy=FAST_POLICY
    )
    try:
        # When the poller-like normal calls follow one another, then each is answered
        for _ in range(5):
            client.tickets.list(limit=1)
        snapshot = client.budget.snapshot(client.org_id)
    finally:
        client.close()
    assert snapshot["budget"] < 5000 and snapshot["reserve"] < 500


def test_given_a_429_with_a_retry_after_of_years_then_the_org_pauses_at_most_the_cap(desk, sandbox):
    sandbox.control.post("/_sandbox/faults", json={"throttleRate": 1.0, "retryAfterS": 999_999_999})
    with structlog.testing.capture_logs() as logs, pytest.raises(ThrottledByDesk) as raised:
        desk.tickets.list(limit=1)
    sandbox.control.delete("/_sandbox/faults")
    assert raised.value.retry_after == MAX_PAUSE_S
    assert 0 < desk.budget.snapshot(desk.org_id)["pause_s"] <= MAX_PAUSE_S
    assert any(entry["event"] == "desk.budget.retry_after_capped" and entry["log_level"] == "warning" for entry in logs)
