"""The webhook fast path end to end: the sandbox Desk delivers to the scheduler's receiver, polling is the safety
net, and with deliveries dropped and duplicated every change is still acted on exactly once (the Desk's write log).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter

from tests.e2e.scenarios import COMMENT_ON_HIGH, marker_writes, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import Pipeline, wait_until
from tests.support.ports import free_port

ACT_TIMEOUT_S = 60
SAFETY_NET_S = 4


def webhook_pipeline(pipeline) -> Pipeline:
    port = free_port()
    deployment = pipeline(
        COMMENT_ON_HIGH,
        tickets=100,
        extra_env={
            "DESKPILOT_WEBHOOK_PORT": str(port),
            "DESKPILOT_WEBHOOK_POLL_INTERVAL_S": str(SAFETY_NET_S),
        },
    )
    wait_backfilled(deployment)
    installed = subprocess.run(
        [sys.executable, "-m", "worker.cli", "webhooks", "install", "--url", f"http://127.0.0.1:{port}/desk"],
        env=deployment.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert installed.returncode == 0, installed.stderr
    time.sleep(2.5)  # the scheduler reads the pace every 2 s: from now on it polls every SAFETY_NET_S
    return deployment


def comments_per_ticket(deployment: Pipeline, ticket_ids: list[str]) -> dict[str, int]:
    return {
        ticket_id: len(
            [entry for entry in deployment.writes("POST", f"/tickets/{ticket_id}/comments") if entry["applied"]]
        )
        for ticket_id in ticket_ids
    }


def test_with_deliveries_dropped_and_duplicated_each_change_is_acted_on_once(pipeline):
    deployment = webhook_pipeline(pipeline)
    deployment.sandbox.control.post(
        "/_sandbox/webhooks/controls", json={"dropRate": 0.2, "duplicateRate": 0.2, "seed": 12}
    )
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 20)]
    raise_priority(deployment, tickets)
    wait_until(
        lambda: all(comments_per_ticket(deployment, tickets).values()), ACT_TIMEOUT_S, "a comment on every ticket"
    )
    time.sleep(2 * SAFETY_NET_S)  # a late duplicate or a safety-net poll would show here
    assert set(comments_per_ticket(deployment, tickets).values()) == {1}
    assert set(marker_writes(deployment).values()) == {1}
    # the deliveries brought most changes, the poll the dropped ones
    deliveries = deployment.sandbox.control.get("/_sandbox/webhooks/deliveries").json()["data"]
    outcomes = Counter(entry["outcome"] for entry in deliveries)
    assert outcomes["dropped"] and outcomes["delivered"]
    logged = deployment.store().metrics.counters()
    by_source = {source: logged.get(("events_logged_total", source), 0) for source in ("webhook", "poll")}
    print(f"deliveries {dict(outcomes)}; events by source {by_source}")
    assert by_source["webhook"] > 0
