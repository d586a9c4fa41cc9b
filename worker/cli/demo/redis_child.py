"""Redis for the demo: the configured server when one answers, otherwise a redis-server child with a temp dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import redis as redis_lib

from config.settings import ENV_PREFIX
from sandbox.server import port_is_free
from worker.app.preflight import PreflightError

START_TIMEOUT_S = 10.0
DEMO_MARK = "demo"  # under the namespace: this namespace's data is a demo's, which a new demo may clear


def answers(url: str) -> bool:
    client = redis_lib.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except (redis_lib.ConnectionError, redis_lib.TimeoutError):
        return False
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoRedis:
    url: str
    process: subprocess.Popen | None = None
    directory: str | None = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def start_redis(configured_url: str, namespace: str) -> DemoRedis:
    """Use the configured Redis if it answers (after checking the namespace holds no real deployment), else start
    one."""
    if answers(configured_url):
        _claim_for_demo(configured_url, namespace)
        return DemoRedis(configured_url)
    binary = shutil.which("redis-server")
    if binary is None:
        raise PreflightError(
            "no Redis answers and redis-server is not installed; run ./bootstrap.sh demo, which installs it"
        )
    parsed = urlparse(configured_url)
    port = parsed.port or 6379
    host = parsed.hostname or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost") or not port_is_free("127.0.0.1", port):
        host, port = "127.0.0.1", _free_port()
    directory = tempfile.mkdtemp(prefix="deskpilot-demo-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "yes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise PreflightError(f"redis-server did not start on port {port}")
        time.sleep(0.05)
    return DemoRedis(url, process, directory)


def _claim_for_demo(url: str, namespace: str) -> None:
    """A namespace that holds a real deployment's data is never touched; one from an earlier demo is cleared."""
    client = redis_lib.Redis.from_url(url, decode_responses=True)
    mark, pattern = f"{namespace}:{DEMO_MARK}", f"{namespace}:*"
    try:
        has_data = next(client.scan_iter(pattern, count=100), None) is not None
        if has_data and not client.exists(mark):
            raise PreflightError(
                f"the Redis at {ENV_PREFIX}REDIS_URL holds a deskpilot deployment's data under namespace "
                f"{namespace!r}; point {ENV_PREFIX}REDIS_URL at another database for the demo "
                f"(e.g. redis://127.0.0.1:6379/15) or set {ENV_PREFIX}REDIS_NAMESPACE to another namespace"
            )
        for name in client.scan_iter(pattern, count=1000):
            client.delete(name)
        client.set(mark, "1")
    finally:
        client.close()
