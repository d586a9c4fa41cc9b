"""Soak and chaos run: a whole deployment under kills, a Redis SIGKILL, faults, index lag, closed-ticket reopens
and a token outage; at the end every driven change must have been acted on exactly once.

    .venv/bin/python bench/chaos.py [--duration 300] [--report-every 10] [--rate 0.5] [--seed 1] [--tickets 500]

All real and all on 127.0.0.1 (tests/support/pipeline.py): redis-server with AOF, the sandbox Desk, a scheduler
and 2 workers. A driver thread changes distinct tickets at `--rate` changes/s: raises the priority of open tickets
(a rule comments) and reopens tickets closed more than 7 days ago (another rule comments). Meanwhile, on a seeded
schedule: a worker is killed with SIGKILL every 10-25 s and a new one started; Redis is SIGKILLed and restarted
once (AOF on); fault phases come and go (5xx/429/applied-but-500, dropped connections, corrupt search answers,
writes held past deskpilot's timeout, search-index lag beyond the poll overlap, a token outage: tokens revoked
and the accounts server failing). When `--duration` is over the faults are cleared, the driver stops, and the run
waits (at most `--settle-timeout`) until every driven change has its comment and every action is final.

Prints a line every `--report-every` s (changes driven and acted on, duplicates, Redis memory, worker RSS), then
one JSON line {"bench": "chaos", ...}. Exit status 1 when a change was missed or acted on twice. Never run by the
test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import redis  # noqa: E402

from sandbox.clock import parse_time  # noqa: E402
from tests.support.changes import (  # noqa: E402
    applied_comments,
    applied_markers,
    patch_through_faults,
    unfinished_actions,
)
from tests.support.pipeline import Pipeline  # noqa: E402

RULES = """
rules:
  - id: note-high-priority
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "Priority is now {{ ticket.priority }}."}
  - id: note-reopened
    on: ticket.updated
    if:
      all:
        - {field: status, changed_to: Open}
    then:
      - comment: {public: false, text: "Reopened: {{ ticket.subject }}"}
"""
HTTP_TIMEOUT_S = 5  # deskpilot's, so the held-writes phase outlasts it
WRITE_DELAY_S = HTTP_TIMEOUT_S + 3
WRITE_SETTLE_S = WRITE_DELAY_S + 4  # deskpilot verifies an unanswered write this long after it began (default 120)
REOPEN_SHARE = 0.3
OLD_CLOSED = timedelta(days=7)
KILL_EVERY_S = (10.0, 25.0)
FAULT_ON_S, FAULT_OFF_S = 12.0, 8.0
FAULT_PHASES: list[tuple[str, dict[str, Any]]] = [
    ("5xx-429-phantom", {"errorRate": 0.1, "throttleRate": 0.1, "phantomWriteRate": 0.2, "retryAfterS": 1}),
    ("drops", {"dropRate": 0.15}),
    ("corrupt-search", {"wrongAnswerRate": 0.4, "pathContains": "/tickets/search"}),
    ("held-writes", {"writeDelayMs": WRITE_DELAY_S * 1000, "pathContains": "/comments"}),
    ("index-lag", {"indexLagS": 12}),  # the pipeline's poll overlap is 5 s
    ("token-outage", {"accountsDown": "error"}),
]


@dataclass
class Targets:
    """Tickets the driver may change, each once: open ones to raise, long-closed ones to reopen."""

    raise_priority: list[str]
    reopen: list[str]

    @classmethod
    def read(cls, api: httpx.Client, rng: random.Random) -> Targets:
        tickets: list[dict[str, Any]] = []
        while True:
            page = api.get("/tickets", params={"from": len(tickets), "limit": 100})
            if page.status_code != 200:
                break
            tickets += page.json()["data"]
        cutoff = datetime.now(timezone.utc) - OLD_CLOSED
        raise_ids = [t["id"] for t in tickets if t.get("statusType") != "Closed" and t.get("priority") != "High"]
        reopen_ids = [
            t["id"]
            for t in tickets
            if t.get("statusType") == "Closed" and t.get("closedTime") and parse_time(t["closedTime"]) < cutoff
        ]
        rng.shuffle(raise_ids)
        rng.shuffle(reopen_ids)
        return cls(raise_ids, reopen_ids)

    def next(self, rng: random.Random) -> tuple[str, dict[str, str]] | None:
        if self.reopen and (rng.random() < REOPEN_SHARE or not self.raise_priority):
            return self.reopen.pop(), {"status": "Open"}
        if self.raise_priority:
            return self.raise_priority.pop(), {"priority": "High"}
        return None


@dataclass
class Driver:
    """Changes one distinct ticket every 1/rate s (jittered), through whatever faults are on, in its own thread."""

    pipeline: Pipeline
    targets: Targets
    rate: float
    rng: random.Random
    chaos: Chaos
    driven: dict[str, str] = field(default_factory=dict)  # ticket id -> the field changed
    when: dict[str, tuple[float, str]] = field(default_factory=dict)  # ticket id -> (seconds into the run, phase)
    not_driven: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="driver", daemon=True)
        self.thread.start()

    def finish(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stop.wait(self.rng.uniform(0.5, 1.5) / self.rate):
            target = self.targets.next(self.rng)
            if target is None:
                return
            ticket_id, fields = target
            with self.pipeline.api() as api:  # the token of the moment (a token outage replaces it)
                if patch_through_faults(api, ticket_id, fields):
                    self.when[ticket_id] = (round(time.monotonic() - self.chaos.started, 1), self.chaos.phase)
                    self.driven[ticket_id] = next(iter(fields))
                else:
                    self.not_driven += 1


@dataclass
class Tally:
    """What the Desk's write log says so far about the driven changes."""

    writes: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0

    def refresh(self, pipeline: Pipeline) -> None:
        fresh = pipeline.sandbox.control.get("/_sandbox/writes", params={"since": self.seq}).json()["data"]
        self.writes += fresh
        self.seq = fresh[-1]["seq"] if fresh else self.seq

    def figures(self, driven: dict[str, str]) -> dict[str, int]:
        counts = applied_comments(self.writes)
        acted = [ticket_id for ticket_id in driven if counts[ticket_id] >= 1]
        return {
            "driven": len(driven),
            "acted_on": len(acted),
            "duplicates": sum(counts[ticket_id] - 1 for ticket_id in acted),
            "missed": len(driven) - len(acted),
            "actions_written_twice": sum(1 for count in applied_markers(self.writes).values() if count > 1),
        }


def worker_rss_mb(pipeline: Pipeline) -> list[float]:
    sizes = []
    for process in pipeline.worker_processes:
        if process.poll() is None:
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
            except OSError:
                continue
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            sizes.append(round(kb / 1024, 1))
    return sizes


def redis_memory_mb(pipeline: Pipeline) -> float | None:
    try:
        client = redis.Redis.from_url(pipeline.redis_server.url, socket_timeout=2)
        try:
            return round(int(client.info("memory")["used_memory"]) / 1024 / 1024, 2)
        finally:
            client.close()
    except redis.RedisError:
        return None  # down (the Redis kill) or restarting


@dataclass
class Chaos:
    """The disturbances, each due at a time on a seeded schedule; `step` runs whichever are due."""

    pipeline: Pipeline
    rng: random.Random
    duration_s: float
    started: float = field(default_factory=time.monotonic)
    next_kill: float = 0.0
    redis_kill_at: float = 0.0
    next_phase: float = 0.0
    phase_index: int = -1
    phase: str = "none"
    kills: int = 0
    redis_kills: int = 0
    phases_run: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.next_kill = self.started + self.rng.uniform(*KILL_EVERY_S)
        self.redis_kill_at = self.started + self.duration_s * 0.45
        self.next_phase = self.started + FAULT_OFF_S

    def step(self) -> None:
        now = time.monotonic()
        if now >= self.next_kill:
            self._kill_a_worker()
            self.next_kill = now + self.rng.uniform(*KILL_EVERY_S)
        if self.redis_kills == 0 and now >= self.redis_kill_at:
            self._kill_redis()
        if now >= self.next_phase:
            self._toggle_faults(now)

    def _kill_a_worker(self) -> None:
        live = [process for process in self.pipeline.worker_processes if process.poll() is None]
        if live:
            self.pipeline.kill_worker(self.rng.choice(live))
            self.kills += 1
        self.pipeline.add_worker()

    def _kill_redis(self) -> None:
        server = self.pipeline.redis_server
        server.process.kill()
        server.process.wait()
        server.process = None
        time.sleep(1.0)
        server.start()  # the same port and directory: AOF recovery
        self.redis_kills += 1

    def _toggle_faults(self, now: float) -> None:
        control = self.pipeline.sandbox.control
        if self.phase != "none":
            control.delete("/_sandbox/faults")
            self.phase, self.next_phase = "none", now + FAULT_OFF_S
            return
        self.phase_index = (self.phase_index + 1) % len(FAULT_PHASES)
        name, settings = FAULT_PHASES[self.phase_index]
        if name == "token-outage":
            control.post("/_sandbox/tokens/revoke")
            self.pipeline.token = (
                self.pipeline.sandbox.access_token()
            )  # the driver's changes go on; deskpilot's token is gone
        answer = control.post("/_sandbox/faults", json=settings)
        answer.raise_for_status()
        self.phase, self.next_phase = name, now + FAULT_ON_S
        self.phases_run.append(name)

    def clear(self) -> None:
        self.pipeline.sandbox.control.delete("/_sandbox/faults")
        self.phase = "none"


def report_line(elapsed: float, chaos: Chaos, figures: dict[str, int], pipeline: Pipeline) -> str:
    memory = redis_memory_mb(pipeline)
    return (
        f"t={elapsed:6.1f}s phase={chaos.phase:<16} driven={figures['driven']:4d} acted={figures['acted_on']:4d} "
        f"dup={figures['duplicates']} kills={chaos.kills} redis_kills={chaos.redis_kills} "
        f"redis_mem={'down' if memory is None else f'{memory}MB'} worker_rss_mb={worker_rss_mb(pipeline)}"
    )


def settled(pipeline: Pipeline, tally: Tally, driven: dict[str, str]) -> bool:
    tally.refresh(pipeline)
    if tally.figures(driven)["missed"]:
        return False
    try:
        return not unfinished_actions(pipeline.store(), set(driven))
    except redis.RedisError:
        return False


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="deskpilot-chaos-"))
    pipeline = Pipeline(
        root=root,
        rules=RULES,
        tickets=args.tickets,
        workers=2,
        extra_env={
            "DESKPILOT_HTTP_TIMEOUT_S": str(HTTP_TIMEOUT_S),
            "DESKPILOT_DESK_WRITE_SETTLE_S": str(WRITE_SETTLE_S),
        },
    )
    pipeline.start()
    try:
        return _drive_and_measure(pipeline, rng, args)
    finally:
        pipeline.stop()
        print(f"logs in {root}", file=sys.stderr)


def _drive_and_measure(pipeline: Pipeline, rng: random.Random, args: argparse.Namespace) -> dict[str, Any]:
    start = time.monotonic()
    while not pipeline.backfilled():
        if time.monotonic() - start > 120:
            raise RuntimeError("the first poll did not backfill the mirror in 120 s")
        time.sleep(0.2)
    with pipeline.api() as api:
        targets = Targets.read(api, rng)
    print(f"targets: {len(targets.raise_priority)} open tickets to raise, {len(targets.reopen)} long-closed to reopen")
    chaos, tally = Chaos(pipeline, rng, args.duration), Tally()
    driver = Driver(pipeline, targets, args.rate, rng, chaos)
    memory_peak, rss_peak = 0.0, 0.0
    driver.start()
    next_report = time.monotonic()
    while time.monotonic() - chaos.started < args.duration:
        chaos.step()
        if time.monotonic() >= next_report:
            tally.refresh(pipeline)
            print(
                report_line(time.monotonic() - chaos.started, chaos, tally.figures(dict(driver.driven)), pipeline),
                flush=True,
            )
            memory_peak = max(memory_peak, redis_memory_mb(pipeline) or 0.0)
            rss_peak = max([rss_peak, *worker_rss_mb(pipeline)])
            next_report += args.report_every
        time.sleep(0.2)
    driver.finish()
    chaos.clear()
    settle_start = time.monotonic()
    while not settled(pipeline, tally, driver.driven) and time.monotonic() - settle_start < args.settle_timeout:
        time.sleep(1.0)
    settle_s = time.monotonic() - settle_start
    time.sleep(3)  # a late duplicate shows
    tally.refresh(pipeline)
    figures = tally.figures(driver.driven)
    print(report_line(time.monotonic() - chaos.started, chaos, figures, pipeline), flush=True)
    kinds = list(driver.driven.values())
    counts = applied_comments(tally.writes)
    odd = {
        ticket_id: [driver.driven[ticket_id], *driver.when[ticket_id], counts[ticket_id]]
        for ticket_id in driver.driven
        if counts[ticket_id] != 1
    }
    return {
        "bench": "chaos",
        "duration_s": args.duration,
        "seed": args.seed,
        **figures,
        "driven_priority": kinds.count("priority"),
        "driven_reopen": kinds.count("status"),
        "not_driven": driver.not_driven,
        "worker_kills": chaos.kills,
        "redis_kills": chaos.redis_kills,
        "fault_phases": chaos.phases_run,
        "settle_s": round(settle_s, 1),
        "not_once": odd,  # ticket id -> [field changed, seconds into the run, phase then, comments applied]
        "settled": settle_s < args.settle_timeout,
        "redis_used_memory_mb": redis_memory_mb(pipeline),
        "redis_used_memory_peak_mb": memory_peak,
        "worker_rss_mb": worker_rss_mb(pipeline),
        "worker_rss_peak_mb": rss_peak,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of chaos before settling (default 300)")
    parser.add_argument("--report-every", type=float, default=10.0, help="seconds between report lines (default 10)")
    parser.add_argument("--rate", type=float, default=0.5, help="driven changes per second (default 0.5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the desk and of the chaos schedule (default 1)")
    parser.add_argument("--tickets", type=int, default=500, help="tickets in the sandbox (default 500)")
    parser.add_argument("--settle-timeout", type=float, default=180.0, help="longest wait for settling (default 180)")
    args = parser.parse_args()
    if not (0 < args.duration <= 3600 and 0 < args.rate <= 20 and args.report_every > 0 and 0 < args.tickets <= 20_000):
        parser.error("--duration in (0, 3600], --rate in (0, 20], --report-every > 0, --tickets in (0, 20000]")
    result = run(args)
    print(json.dumps(result))
    return 0 if result["missed"] == 0 and result["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
