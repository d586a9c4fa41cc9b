"""A real redis-server for tests: a free port on 127.0.0.1, a temp dir, stopped when the test ends."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.support.ports import PortTaken, start_on_free_port

START_TIMEOUT_S = 10.0


@dataclass
class RedisServer:
    """One redis-server child process; `restart()` keeps its data dir so AOF recovery can be tested."""

    directory: Path
    appendonly: bool = False
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """On its port (a restart keeps it), or the first free one that it could bind."""
        if self.port:
            return self._start_on(self.port)
        return start_on_free_port(self._start_on)

    def _start_on(self, port: int) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed; run ./bootstrap.sh test, which installs it")
        self.port = port
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
                "--appendfsync",
                "always",
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready()
        return self

    @property
    def log_path(self) -> Path:
        return self.directory / "redis-server.log"

    def _wait_ready(self) -> None:
        """Until it answers; a server that exited (its port taken) is never mistaken for another one on that port:
        the one answering must be this process."""
        client = redis.Redis.from_url(self.url, socket_timeout=1.0)
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while True:
                self._raise_if_exited()
                try:
                    if int(client.info("server")["process_id"]) == self.process.pid:
                        return
                except (redis.ConnectionError, redis.TimeoutError):  # not up yet, or something else on the port
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not answer on port {self.port}")
                time.sleep(0.05)
        finally:
            client.close()

    def _raise_if_exited(self) -> None:
        if self.process is None or self.process.poll() is None:
            return
        self.process = None
        said = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
        if "Address already in use" in said:
            raise PortTaken(f"port {self.port} is taken")
        raise RuntimeError(f"redis-server exited at start: {said}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)
