"""Several worker processes sharing one org's limits through Redis, against the sandbox over real HTTP."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.integration.desk.conftest import last_write_seq, writes

ROOT = Path(__file__).resolve().parents[3]
PROCESS_TIMEOUT_S = 90


def settings_for(sandbox, redis_server, **extra) -> dict:
    values = {
        "api_root": sandbox.api_root,
        "accounts_url": sandbox.accounts_url,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "refresh_token": sandbox.refresh_token,
        "org_ids": list(sandbox.org_ids),
        "redis_url": redis_server.url,
        "http_timeout_s": 10.0,
        "desk_acquire_timeout_s": 60.0,
        "log_level": "warning",
    }
    values.update(extra)
    return values


def any_ticket_id(sandbox, org: str) -> str:
    """A ticket id read with a token of its own (not through Redis), so the workers start with no cached token."""
    token = sandbox.access_token()
    answer = httpx.get(
        f"{sandbox.api_root}/tickets",
        params={"limit": 1},
        headers={"Authorization": f"Zoho-oauthtoken {token}", "orgId": org},
    )
    return answer.json()["data"][0]["id"]


def run_processes(count: int, options: dict) -> list[dict]:
    """Start `count` workers at once; each gets `options` plus its label; return their reports."""
    start_at = time.time() + 1.5  # processes import and connect first, then start together
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = []
    for n in range(count):
        payload = json.dumps({**options, "label": f"p{n}", "start_at": start_at})
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.integration.desk.proc_worker", payload],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    reports = []
    try:
        for child in children:
            out, err = child.communicate(timeout=PROCESS_TIMEOUT_S)
            assert child.returncode == 0, err.decode()[-3000:]
            reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(10)
    return reports


def test_given_4_processes_of_8_threads_and_a_limit_of_5_then_concurrency_never_exceeds_5_and_no_call_is_lost(
    sandbox, redis_server
):
    org = sandbox.org_ids[0]
    sandbox.control.post("/_sandbox/config", json={"concurrencyLimit": 5})
    sandbox.control.post("/_sandbox/faults", json={"latencyMs": 15})
    ticket_id = any_ticket_id(sandbox, org)
    sandbox.control.post("/_sandbox/concurrency/reset")
    seq = last_write_seq(sandbox)

    reports = run_processes(
        4,
        {
            "settings": settings_for(sandbox, redis_server, desk_max_concurrency=5),
            "org_id": org,
            "ticket_id": ticket_id,
            "threads": 8,
            "calls": 6,
            "mode": "mixed",
        },
    )

    observed = sandbox.control.get("/_sandbox/concurrency").json()
    assert 3 <= observed["orgs"][org] <= 5  # contended, never over the limit
    assert observed["max"] <= 5
    assert sum(r["throttled"] for r in reports) == 0  # the Desk never had to refuse a call
    assert all(r["failures"] == [] for r in reports), [r["failures"][:3] for r in reports]
    done = [item for r in reports for item in r["done"]]
    assert len(done) == 4 * 8 * 6
    markers = sorted(item for item in done if item != "read")
    assert len(markers) == 4 * 8 * 3
    logged = [w["body"]["content"] for w in writes(sandbox, seq) if w["method"] == "POST" and w["status"] < 300]
    assert sorted(logged) == markers  # each comment written exactly once
    assert sum(r["refreshes"] for r in reports) == 1  # one shared token for all 4 processes


def test_given_tokens_expiring_every_2s_and_4_processes_then_at_most_one_refresh_per_expiry(sandbox, redis_server):
    org = sandbox.org_ids[0]
    ticket_id = any_ticket_id(sandbox, org)
    ttl_s = 2.0
    sandbox.control.post("/_sandbox/config", json={"tokenTtlS": ttl_s})
    before = sandbox.control.get("/_sandbox/tokens/stats").json()["minted"]
    seconds = 6.0

    reports = run_processes(
        4,
        {
            "settings": settings_for(sandbox, redis_server),
            "org_id": org,
            "ticket_id": ticket_id,
            "threads": 4,
            "seconds": seconds,
            "mode": "read",
        },
    )

    minted = sandbox.control.get("/_sandbox/tokens/stats").json()["minted"] - before
    assert all(r["failures"] == [] for r in reports), [r["failures"][:3] for r in reports]
    assert sum(len(r["done"]) for r in reports) > 100
    window = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    expiries = window / (ttl_s * 0.9)  # tokens are cached for 90% of their life, then refreshed
    assert minted == sum(r["refreshes"] for r in reports)
    mints = sorted(t for r in reports for t in r["refreshed_at"])
    detail = {
        "minted": minted,
        "gaps": [round(b - a, 2) for a, b in itertools.pairwise(mints)],
        "refused": [r["tokens_refused"] for r in reports],
    }
    assert 2 <= minted <= int(expiries) + 1, detail  # not one per process per expiry (that would be ~4x)
