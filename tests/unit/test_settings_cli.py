"""Bad settings and bad arguments end in one clear line on stderr and exit status 2, never a traceback.

Each case runs the real `deskpilot` command (no Redis, no Desk: the value is refused before either is reached).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DESKPILOT = Path(sys.executable).with_name("deskpilot")


def deskpilot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("DESKPILOT_")}
    # tmp_path as the working directory: no .env of the developer's is read
    return subprocess.run(
        [str(DESKPILOT), *args], env={**clean, **env}, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DESKPILOT_REDIS_URL", "http://x", "expected redis://host:port/db"),
        ("DESKPILOT_REDIS_URL", "redis://localhost:99999", "the port must be a number from 1 to 65535"),
        ("DESKPILOT_API_ROOT", "not a url", "expected an http(s) URL with a host"),
        ("DESKPILOT_ACCOUNTS_URL", "accounts.zoho.com", "expected an http(s) URL with a host"),
        ("DESKPILOT_POLL_INTERVAL_S", "inf", "Input should be a finite number"),
        ("DESKPILOT_RECONCILE_INTERVAL_S", "nan", "Input should be a finite number"),
        ("DESKPILOT_HTTP_TIMEOUT_S", "1e300", "Input should be less than or equal to 86400"),
        ("DESKPILOT_POLL_OVERLAP_S", "-5", "Input should be greater than or equal to 0"),
        ("DESKPILOT_DESK_DAILY_CREDITS", "1" + "0" * 30, "Input should be less than or equal to 1000000000"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path, name, value, says):
    # given a malformed setting, when a service starts
    answer = deskpilot(tmp_path, "worker", **{name: value})
    # then it stops at once, naming the variable and what is expected
    assert answer.returncode == 2
    assert "Traceback" not in answer.stderr
    assert [line for line in answer.stderr.splitlines() if line.startswith(f"{name}: {says}")]


def test_a_redis_password_is_not_echoed(tmp_path):
    answer = deskpilot(tmp_path, "audit", DESKPILOT_REDIS_URL="redis://:s3cret-pw@localhost:99999/0")
    assert answer.returncode == 2
    assert "s3cret-pw" not in answer.stderr + answer.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("audit", "--since", "xyz"), "argument --since: 'xyz' is not a duration like 30m, 4h, 7d"),
        (("audit", "--since", "99999999999d"), "argument --since: '99999999999d' is longer than 3650d"),
        (("audit", "--since=-2h"), "argument --since: '-2h' is negative"),
        (("sla", "forecast", "--within", "abc"), "argument --within: 'abc' is not a duration like 30m, 4h, 7d"),
        (("sla", "forecast", "--within", "400d"), "argument --within: '400d' is longer than 365d"),
    ],
)
def test_a_bad_duration_argument_is_one_line(tmp_path, args, says):
    answer = deskpilot(tmp_path, *args)
    assert answer.returncode == 2
    assert "Traceback" not in answer.stderr
    assert [line for line in answer.stderr.splitlines() if line.startswith("deskpilot ") and says in line]
