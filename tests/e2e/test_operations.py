"""Operating a deployment: metrics and health, audit and dead letters from the CLI, clean shutdown, the demo."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx

from tests.e2e.scenarios import COMMENT_ON_HIGH, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import wait_until
from tests.support.ports import free_port

UNKNOWN_STATUS = """
rules:
  - id: park-high-priority
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
    then:
      - update: {status: Parked}
"""


def cli(deployment, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", *args], env=deployment.env(), capture_output=True, text=True, timeout=60
    )


def test_metrics_health_audit_and_a_clean_stop(pipeline):
    port = free_port()
    deployment = pipeline(COMMENT_ON_HIGH, extra_env={"DESKPILOT_METRICS_PORT": str(port)})
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    wait_until(
        lambda: [e for e in deployment.writes("POST", f"/tickets/{ticket['id']}/comments") if e["applied"]],
        60,
        "the comment",
    )
    # /metrics and /healthz on 127.0.0.1
    metrics = wait_until(lambda: _get(f"http://127.0.0.1:{port}/metrics"), 30, "the metrics server")
    for name in (
        "deskpilot_events_total",
        "deskpilot_rule_matches_total",
        "deskpilot_actions_total",
        "deskpilot_poll_lag_seconds",
        "deskpilot_queue_depth",
        "deskpilot_credits_left",
    ):
        assert name in metrics
    assert 'deskpilot_actions_total{outcome="done",type="comment"}' in metrics
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    # deskpilot audit --ticket shows why the rule fired and what it did
    audit = cli(deployment, "audit", "--ticket", ticket["id"], "--rule", "note-high-priority")
    assert audit.returncode == 0, audit.stderr
    assert "fired" in audit.stdout and "comment -> done" in audit.stdout
    # SIGTERM stops every process cleanly
    for process in [deployment.scheduler, *deployment.worker_processes]:
        process.send_signal(signal.SIGTERM)
    for process in [deployment.scheduler, *deployment.worker_processes]:
        assert process.wait(timeout=40) == 0
    assert "service.stopped" in (deployment.root / "scheduler.log").read_text()


def test_a_permanently_refused_action_lands_in_the_dead_letter_list_and_can_be_retried(pipeline):
    deployment = pipeline(UNKNOWN_STATUS)
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    # the Desk refuses the status (this desk has no "Parked"): not retried, a dead letter
    listed = wait_until(lambda: _dead_letters(deployment), 60, "a dead letter")
    assert listed[0]["action"]["rule"] == "park-high-priority" and "INVALID_DATA" in listed[0]["error"]
    assert len(_status_patches(deployment, ticket["id"])) == 1
    retry = cli(deployment, "dlq", "retry")
    assert retry.returncode == 0 and "re-sent 1" in retry.stderr
    # refused again, it comes back once
    wait_until(
        lambda: len(_status_patches(deployment, ticket["id"])) == 2 and len(_dead_letters(deployment)) == 1,
        60,
        "the retried update to fail again",
    )


def test_the_demo_runs_and_prints_its_summary_as_json(tmp_path):
    env = {key: value for key, value in __import__("os").environ.items() if not key.startswith("DESKPILOT_")}
    env["DESKPILOT_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing answers there: the demo starts its own
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "worker.cli",
            "demo",
            "--duration",
            "12",
            "--json",
            "--port",
            str(free_port()),
            "--activity",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) >= {"events", "rules_fired", "actions", "api_calls", "credits_used", "latency_s"}
    assert summary["events"]["total"] > 0 and summary["api_calls"] > 0


def _get(url: str) -> str | None:
    try:
        response = httpx.get(url, timeout=5)
    except httpx.TransportError:
        return None
    return response.text if response.status_code == 200 else None


def _dead_letters(deployment) -> list[dict]:
    result = cli(deployment, "dlq", "list")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _status_patches(deployment, ticket_id: str) -> list[dict]:
    return [entry for entry in deployment.writes("PATCH", f"/tickets/{ticket_id}") if "status" in (entry["body"] or {})]
