"""/healthz is a real verdict: 503 with the reason while an org's polls fail, 200 again once they succeed."""

from __future__ import annotations

import httpx

from tests.e2e.scenarios import COMMENT_ON_HIGH, wait_backfilled
from tests.support.pipeline import wait_until
from tests.support.ports import free_port


def health(port: int) -> httpx.Response | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5.0)
    except httpx.TransportError:
        return None


def test_healthz_says_unhealthy_while_every_poll_fails_and_why(pipeline):
    # given a deployment whose polls succeed (an org may go 3 s without one)
    port = free_port()
    deployment = pipeline(
        COMMENT_ON_HIGH,
        poll_interval_s=0.5,
        extra_env={"DESKPILOT_METRICS_PORT": str(port), "DESKPILOT_HEALTH_GRACE_S": "3"},
    )
    wait_backfilled(deployment)
    healthy = wait_until(
        lambda: (answer := health(port)) is not None and answer.status_code == 200 and answer, 30, "a healthy verdict"
    )
    org = deployment.sandbox.org_ids[0]
    assert healthy.json()["status"] == "ok" and healthy.json()["orgs"][org]["consecutive_poll_failures"] == 0
    # when every Desk call fails
    deployment.sandbox.control.post("/_sandbox/faults", json={"errorRate": 1.0}).raise_for_status()
    # then /healthz answers 503 and says which org has gone unpolled, and why
    sick = wait_until(
        lambda: (answer := health(port)) is not None and answer.status_code == 503 and answer,
        60,
        "an unhealthy verdict",
    )
    body = sick.json()
    assert body["status"] == "unhealthy"
    assert any(
        reason.startswith(f"org {org}: no successful poll for") and "ServerError" in reason
        for reason in body["reasons"]
    )
    assert body["orgs"][org]["consecutive_poll_failures"] >= 1
    # when the Desk recovers, then polls succeed and /healthz is 200 again
    deployment.sandbox.control.delete("/_sandbox/faults").raise_for_status()
    recovered = wait_until(
        lambda: (answer := health(port)) is not None and answer.status_code == 200 and answer, 60, "a recovered verdict"
    )
    assert recovered.json()["reasons"] == []
