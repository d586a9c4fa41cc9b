"""Helpers of bench_pipeline.py: a Pipeline whose processes can be stopped and restarted by phase, log reading,
percentiles, and a bench-only no-op dramatiq worker process.

    .venv/bin/python bench/support.py noop-worker     # (started by bench_pipeline.py with the pipeline's env)

The no-op worker is a deskpilot worker process in everything but its actor: the same settings, the same Runtime,
the same broker (imported from worker.app.actors, so the same middleware, dead-letter list included) and a dramatiq
Worker with the same `DESKPILOT_WORKER_THREADS`, consuming only the bench queue `bench.noop`. Its actor does
nothing but INCR one Redis counter, so the bench can see when every message has been processed.
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.pipeline import Pipeline  # noqa: E402
from worker.store import Store  # noqa: E402

NOOP_QUEUE = "bench.noop"
NOOP_ACTOR = "noop"
NOOP_COUNTER = "bench:noop:done"
STOP_TIMEOUT_S = 15


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_log(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of one process's log (lines that are not JSON are skipped)."""
    if not path.exists():
        return []
    events = []
    with path.open("rb") as handle:
        for line in handle:
            line = line.strip()
            if not line.startswith(b"{"):
                continue
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
    return events


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class BenchPipeline(Pipeline):
    """The e2e Pipeline, plus per-phase control of its scheduler and worker processes."""

    noop_processes: list[subprocess.Popen] = field(default_factory=list)
    generation: int = 0
    _store: Store | None = None

    def store(self) -> Store:
        """One Store (one Redis connection pool) for the whole bench: the bench never restarts Redis."""
        if self._store is None:
            self._store = super().store()
        return self._store

    def _name(self, base: str) -> str:
        self.generation += 1
        return f"{base}-{self.generation}"

    def scheduler_logs(self) -> list[Path]:
        return sorted(self.root.glob("scheduler*.log"))

    def worker_logs(self) -> list[Path]:
        return sorted(self.root.glob("worker-*.log"))

    def log_events(self, paths: list[Path], name: str | None = None) -> list[dict[str, Any]]:
        return [entry for path in paths for entry in read_log(path) if name is None or entry.get("event") == name]

    def stop_scheduler(self) -> None:
        if self.scheduler is not None:
            _stop([self.scheduler])
            self.scheduler = None

    def restart_scheduler(self, poll_interval_s: float) -> None:
        self.stop_scheduler()
        self.poll_interval_s = poll_interval_s
        self.scheduler = self._spawn("scheduler", self._name("scheduler"))

    def stop_workers(self) -> None:
        _stop(self.worker_processes)
        self.worker_processes = []

    def start_workers(self, count: int) -> list[Path]:
        """Start `count` `deskpilot worker` processes; their log files."""
        paths = []
        for _ in range(count):
            name = self._name("worker")
            self.worker_processes.append(self._spawn("worker", name))
            paths.append(self.root / f"{name}.log")
        return paths

    def start_noop_workers(self, count: int) -> None:
        for _ in range(count):
            log = open(self.root / f"{self._name('noop')}.log", "ab")  # noqa: SIM115 - the worker's, open while it runs
            command = [sys.executable, str(Path(__file__).resolve()), "noop-worker"]
            self.noop_processes.append(
                subprocess.Popen(command, env=self.env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            )

    def stop_noop_workers(self) -> None:
        _stop(self.noop_processes)
        self.noop_processes = []

    def stop(self) -> None:
        try:
            self.stop_noop_workers()
        finally:
            if self._store is not None:
                self._store.redis.close()
            super().stop()


def noop_worker() -> int:
    """A worker process like `deskpilot worker`, whose only actor is the bench's no-op."""
    import dramatiq
    from dramatiq import Worker

    from config.logging import configure_logging
    from config.settings import load_settings
    from worker.app.actors import actors_for
    from worker.app.runtime import Runtime

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    runtime = Runtime.from_settings(settings)
    broker = actors_for(runtime).broker  # the deskpilot broker, with its middleware
    redis = runtime.redis

    @dramatiq.actor(queue_name=NOOP_QUEUE, actor_name=NOOP_ACTOR, max_retries=0, broker=broker)
    def noop(_index: int) -> None:
        redis.incr(NOOP_COUNTER)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker = Worker(broker, queues={NOOP_QUEUE}, worker_threads=settings.worker_threads)
    worker.start()
    try:
        stop.wait()
    finally:
        worker.stop(timeout=STOP_TIMEOUT_S * 1000)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["noop-worker"]:
        sys.exit(noop_worker())
    print("usage: bench/support.py noop-worker", file=sys.stderr)
    sys.exit(2)
