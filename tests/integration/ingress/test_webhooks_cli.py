"""`deskpilot webhooks install | status | remove` and the webhooks line of `deskpilot check`, as a person runs
them (child processes), against the sandbox Desk and a real redis-server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

RULES = """
rules:
  - id: note-high
    on: ticket.updated
    if: {field: priority, changed_to: High}
    then: [{comment: {public: false, text: "High now."}}]
"""


@pytest.fixture
def run(sandbox, redis_server, tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.yaml").write_text(RULES)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DESKPILOT_")}
    env.update(
        DESKPILOT_API_ROOT=sandbox.api_root,
        DESKPILOT_ACCOUNTS_URL=sandbox.accounts_url,
        DESKPILOT_CLIENT_ID=sandbox.client_id,
        DESKPILOT_CLIENT_SECRET=sandbox.client_secret,
        DESKPILOT_REFRESH_TOKEN=sandbox.refresh_token,
        DESKPILOT_ORG_IDS=sandbox.org_ids[0],
        DESKPILOT_REDIS_URL=redis_server.url,
        DESKPILOT_RULES_PATH=str(tmp_path / "rules"),
        DESKPILOT_WEBHOOK_PORT="18999",
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "worker.cli", *args], env=env, capture_output=True, text=True, timeout=60
        )

    return run


def test_install_status_and_remove(run, sandbox):
    # install: one webhook per org with the event types the rules need
    installed = run("webhooks", "install", "--url", "https://deskpilot.example.com/desk")
    assert installed.returncode == 0, installed.stderr
    assert "created: Ticket_Update (all departments)" in installed.stdout
    # again: the same webhook, updated
    again = run("webhooks", "install", "--url", "https://deskpilot.example.com/desk")
    assert "updated" in again.stdout
    # status: on the Desk, no delivery yet, the safety-net pace
    status = run("webhooks", "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "last delivery never" in status.stdout and "(webhook)" in status.stdout
    # remove: gone on the Desk; status and check then say what to do
    removed = run("webhooks", "remove")
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert run("webhooks", "status").returncode == 1
    check = run("check")
    assert "webhooks" in check.stdout and "no subscription installed" in check.stdout


@pytest.mark.parametrize(
    ("url", "says"),
    [("ftp://x", "http(s) URL"), ("http://deskpilot.example.com/desk", "must be https://")],
)
def test_install_refuses_a_url_the_desk_should_not_post_to(url, says):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DESKPILOT_")}
    refused = subprocess.run(
        [sys.executable, "-m", "worker.cli", "webhooks", "install", "--url", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and says in refused.stderr and "Traceback" not in refused.stderr
