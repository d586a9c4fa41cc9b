"""`deskpilot sandbox` options: limits and token lifetime from the command line, clear refusals of bad options."""

from __future__ import annotations

import subprocess
import sys

from tests.integration.sandbox.helpers import api
from tests.support.sandbox import SandboxProcess


def test_limits_and_token_lifetime_come_from_the_command_line():
    process = SandboxProcess(tickets=5, extra_args=("--daily-credits", "2", "--token-ttl", "120")).start()
    try:
        token = process.access_token()
        with api(process, token=token) as client:
            answers = [client.get("/tickets", params={"limit": 1}) for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 429]
        assert answers[2].json()["errorCode"] == "THRESHOLD_EXCEEDED"
    finally:
        process.stop()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", "sandbox", *args], capture_output=True, text=True, timeout=60
    )


def test_bad_options_are_refused_in_one_line():
    refused = run_cli("--token-ttl", "0")
    assert refused.returncode == 2
    assert (
        refused.stderr.strip()
        == "deskpilot sandbox: --token-ttl, --concurrency-limit and --daily-credits must be positive"
    )


def test_a_port_in_use_is_refused_in_one_line(shared_sandbox):
    refused = run_cli("--port", str(shared_sandbox.port), "--tickets", "1")
    assert refused.returncode == 2
    assert "is in use" in refused.stderr and "Traceback" not in refused.stderr
