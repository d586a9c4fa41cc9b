"""SLA escalation end to end: every level fires once, on time, and none after an agent responds."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta

from tests.e2e.scenarios import wait_backfilled
from tests.support.pipeline import wait_until

FAST_SLA = """
sla_policies:
  - id: fast-first-response
    if: {field: subject, starts_with: "[sla-e2e]"}
    metrics:
      first_response:
        targets: {default: 12s}
        escalations:
          - {at: -6s, name: warning, then: [{comment: {text: "SLA warning: first response due soon"}}]}
          - {at: 0, name: breach, then: [{comment: {text: "SLA breached"}}]}
          - {at: +6s, name: level2, then: [{comment: {text: "SLA level 2"}}]}
"""
OFFSETS = {"SLA warning: first response due soon": 6, "SLA breached": 12, "SLA level 2": 18}
SWEEP_INTERVAL_S = 1.0


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def open_ticket(api, subject: str) -> dict:
    contact = api.get("/contacts", params={"limit": 1}).json()["data"][0]
    department = api.get("/departments").json()["data"][0]
    answer = api.post(
        "/tickets",
        json={
            "subject": subject,
            "contactId": contact["id"],
            "departmentId": department["id"],
            "description": "Our order is stuck",
            "channel": "Email",
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _cli_lines(deployment, *args: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "worker.cli", *args], env=deployment.env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def escalation_comments(deployment, ticket_id: str) -> list[dict]:
    writes = deployment.writes("POST", f"/tickets/{ticket_id}/comments")
    return [entry for entry in writes if entry["applied"] and "SLA" in entry["body"]["content"]]


def test_every_level_fires_once_on_time_and_none_after_a_response(pipeline):
    # given a policy with short targets, and customers and agents busy on the other org
    deployment = pipeline(FAST_SLA, orgs=2, extra_env={"DESKPILOT_SLA_SWEEP_INTERVAL_S": str(SWEEP_INTERVAL_S)})
    wait_backfilled(deployment)
    busy_org = deployment.sandbox.org_ids[1]
    deployment.sandbox.control.post("/_sandbox/activity", json={"ratePerS": 2, "orgIds": [busy_org]})
    with deployment.api() as api:
        # when one ticket waits for an answer and another is answered at once
        waiting = open_ticket(api, "[sla-e2e] nobody answers this one")
        answered = open_ticket(api, "[sla-e2e] an agent answers this one")
        address = next(
            item["address"] for item in api.get("/mailReplyAddress").json()["data"] if item.get("isActive", True)
        )
        reply = api.post(
            f"/tickets/{answered['id']}/sendReply",
            json={"channel": "EMAIL", "fromEmailAddress": address, "to": "customer@example.com", "content": "On it!"},
        )
        assert reply.status_code == 200, reply.text
    # and ops can see it coming and have it explained
    forecast = wait_until(
        lambda: _cli_lines(deployment, "sla", "forecast", "--within", "1m", "--json"), 30, "the forecast"
    )
    assert {row["ticket"] for row in forecast} >= {waiting["id"]}
    explained = subprocess.run(
        [sys.executable, "-m", "worker.cli", "sla", "explain", "--ticket", waiting["id"]],
        env=deployment.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        explained.returncode == 0 and "fast-first-response" in explained.stdout and "first_response" in explained.stdout
    )
    # then the waiting ticket gets each level once, never before its due time
    wait_until(lambda: len(escalation_comments(deployment, waiting["id"])) == 3, 90, "the three levels")
    time.sleep(4 * SWEEP_INTERVAL_S)
    comments = escalation_comments(deployment, waiting["id"])
    assert sorted(entry["body"]["content"].split("<!--")[0] for entry in comments) == sorted(OFFSETS)
    created = when(waiting["createdTime"])
    lateness = []
    for entry in comments:
        due = created + timedelta(seconds=OFFSETS[entry["body"]["content"].split("<!--")[0]])
        fired = when(entry["time"])
        assert fired >= due, f"{entry['body']['content']} fired before its due time"
        lateness.append((fired - due).total_seconds())
    print(f"escalation lateness (s): {sorted(lateness)} at a {SWEEP_INTERVAL_S}s sweep interval")
    # and the answered ticket gets none
    assert escalation_comments(deployment, answered["id"]) == []
    # and the escalations are in the audit trail with their lateness
    sla_entries = [entry for entry in deployment.store().audit.query(ticket=waiting["id"]) if entry["entry"] == "sla"]
    assert sorted(entry["level"] for entry in sla_entries) == [1, 2, 3]
