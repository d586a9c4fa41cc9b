"""A whole deskpilot deployment for end-to-end tests, all real: redis-server (AOF), the sandbox Desk,
`deskpilot scheduler` and `deskpilot worker` child processes, with a rules folder of the test's own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis

from tests.support.redis_server import RedisServer
from tests.support.sandbox import SandboxProcess
from worker.store import Store
from worker.store.keys import Keys

WAIT_STEP_S = 0.1


def wait_until(condition: Callable[[], Any], timeout_s: float, what: str) -> Any:
    """Poll `condition` until it is truthy; bounded, so a test never hangs."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(WAIT_STEP_S)


@dataclass
class Pipeline:
    root: Path
    rules: str
    tickets: int = 30
    orgs: int = 1
    poll_interval_s: float = 1.0
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    redis_server: RedisServer | None = None
    sandbox: SandboxProcess | None = None
    scheduler: subprocess.Popen | None = None
    worker_processes: list[subprocess.Popen] = field(default_factory=list)
    token: str = ""

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    def start(self) -> Pipeline:
        self.rules_dir.mkdir(parents=True, exist_ok=True)
        (self.rules_dir / "rules.yaml").write_text(self.rules)
        (self.root / "redis").mkdir(exist_ok=True)
        self.redis_server = RedisServer(directory=self.root / "redis", appendonly=True).start()
        self.sandbox = SandboxProcess(orgs=self.orgs, tickets=self.tickets).start()
        self.token = self.sandbox.access_token()
        self.scheduler = self._spawn("scheduler", "scheduler")
        for index in range(self.workers):
            self.worker_processes.append(self._spawn("worker", f"worker-{index}"))
        return self

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("DESKPILOT_")}
        env.update(
            {
                "DESKPILOT_API_ROOT": self.sandbox.api_root,
                "DESKPILOT_ACCOUNTS_URL": self.sandbox.accounts_url,
                "DESKPILOT_CLIENT_ID": self.sandbox.client_id,
                "DESKPILOT_CLIENT_SECRET": self.sandbox.client_secret,
                "DESKPILOT_REFRESH_TOKEN": self.sandbox.refresh_token,
                "DESKPILOT_ORG_IDS": ",".join(self.sandbox.org_ids),
                "DESKPILOT_REDIS_URL": self.redis_server.url,
                "DESKPILOT_RULES_PATH": str(self.rules_dir),
                "DESKPILOT_POLL_INTERVAL_S": str(self.poll_interval_s),
                "DESKPILOT_POLL_OVERLAP_S": "5",
                "DESKPILOT_RULES_RELOAD_S": "0.5",
                "DESKPILOT_RECONCILE_INTERVAL_S": "2",
                "DESKPILOT_EVENT_DEADLINE_S": "5",
                "DESKPILOT_ACTION_LEASE_S": "3",
                "DESKPILOT_ACTION_DEADLINE_S": "5",
                # The sandbox applies a write within its faults' delays: a retry after an unanswered write (a
                # worker killed mid-write) checks for it 10 s after it left, not the 120 s a real Desk gets.
                "DESKPILOT_DESK_WRITE_SETTLE_S": "10",
                "DESKPILOT_WORKER_THREADS": "4",
                "DESKPILOT_METRICS_PORT": "0",
                "DESKPILOT_CONSOLE_PORT": "0",
                "DESKPILOT_LOG_FORMAT": "json",
                "DESKPILOT_LOG_LEVEL": "info",
            }
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, command: str, name: str) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - the process's, open while it runs
        return subprocess.Popen(
            [sys.executable, "-m", "worker.cli", command], env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def add_worker(self) -> subprocess.Popen:
        process = self._spawn("worker", f"worker-{len(self.worker_processes)}")
        self.worker_processes.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def store(self) -> Store:
        namespace = self.env().get("DESKPILOT_REDIS_NAMESPACE")
        keys = Keys(namespace) if namespace else Keys()
        return Store.connect(redis.Redis.from_url(self.redis_server.url, decode_responses=True), keys=keys)

    def api(self) -> httpx.Client:
        headers = {"orgId": self.sandbox.org_ids[0], "Authorization": f"Zoho-oauthtoken {self.token}"}
        return httpx.Client(base_url=self.sandbox.api_root, headers=headers, timeout=10.0)

    def writes(self, method: str | None = None, path_part: str = "") -> list[dict[str, Any]]:
        entries = self.sandbox.control.get("/_sandbox/writes").json()["data"]
        return [
            entry for entry in entries if (method is None or entry["method"] == method) and path_part in entry["path"]
        ]

    def backfilled(self) -> bool:
        return self.store().mirror.is_backfilled(self.sandbox.org_ids[0])

    def stop(self) -> None:
        for process in [self.scheduler, *self.worker_processes]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.scheduler, *self.worker_processes]:
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self.sandbox:
            self.sandbox.stop()
        if self.redis_server:
            self.redis_server.stop()
