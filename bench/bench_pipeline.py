"""Benchmark of the whole pipeline against a sandbox Desk of 10,000 tickets: idle poll cost, change-to-action
latency, and evaluate+act throughput against a no-op dramatiq actor.

    .venv/bin/python bench/bench_pipeline.py [--quick] [--tickets N] [--changes N] [--events N] [--threads K]
        [--workers W] [--appendfsync always|everysec|no] [--worker-timeout-ms MS] [--profile FILE] [--keep]

One deployment, all real and all on 127.0.0.1 (tests/support/pipeline.py): redis-server with AOF, the sandbox
Desk, `deskpilot scheduler` and `deskpilot worker` child processes. Production defaults for the pipeline's
settings (overlap 30 s, deadlines, 8 worker threads) unless an option says otherwise. Phases:

1. Idle poll cost (poll interval 1 s). After the first poll has backfilled the mirror, one ordinary poll has run
   and no poll message is queued or in hand any more (polls sent while the backfill ran are worked off first),
   with no activity: sandbox credits used (`GET /_sandbox/credits`; every endpoint weighs 1) between two
   moments that each follow a `poll.done` line, divided by the `poll.done` lines in between. Token mints are on
   the accounts server and never counted in credits; the directory is fetched only by `evaluate` (no events
   here) and reconcile makes no API call; the bench checks both (no `directory.fetched` line, no write).
2. Change-to-action latency (poll interval 2 s). A rule comments on `priority changed_to High`; the bench PATCHes
   the priority of distinct open tickets at random offsets (each wait uniform in [0, poll interval)). Latency =
   the sandbox write-log time of deskpilot's comment POST minus that of the bench's PATCH (one clock). Stage
   breakdown from the event record (`observed_at`: when the poll that saw it started), the scheduler's
   `tick.fired` and the workers' `event.evaluated` log lines (same host clock).
3. Throughput. The scheduler is stopped (no polls), the workers are stopped, N events are logged straight into
   the event log (`Store.events.append`, the poller's own event shape, a priority change on N distinct mirror
   snapshots) and N `evaluate` messages are queued; then W `deskpilot worker` processes with K threads start.
   Rate = events completed (counter `actions_total|comment|done`) between the first and the last completion,
   over that time. The same is done before and after with W no-op worker processes (bench/support.py: same
   settings, Runtime, broker and middleware, same K threads; the actor only INCRs a counter) on N pre-queued
   `noop` messages; the slower of the two no-op runs is used. All rates exclude process start-up and the
   enqueueing; the ratio is events/s over noop messages/s. Each event is one message: `evaluate` acts on the
   first fired rule's actions itself (an `act` message only for other rules' actions and retries), so 1.0 is the
   ceiling of that ratio with free evaluation and free Desk calls. CPU seconds per event of each process (/proc)
   and Redis commands per event (INFO) over the same span say where the time goes; `--profile FILE` adds a py-spy
   of the worker.

Prints human lines, then one JSON line {"bench": "pipeline", ...}. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dramatiq  # noqa: E402
from dramatiq.brokers.redis import RedisBroker  # noqa: E402

from bench.support import NOOP_ACTOR, NOOP_COUNTER, NOOP_QUEUE, BenchPipeline, parse_iso, percentile  # noqa: E402
from tests.support.pipeline import wait_until  # noqa: E402
from worker.store.events import event_id  # noqa: E402
from worker.store.keys import Keys  # noqa: E402
from worker.store.records import EventRecord  # noqa: E402

key = Keys().key  # the default namespace, as Store.connect() uses

RULE_ID = "note-high-priority"
RULES = f"""
rules:
  - id: {RULE_ID}
    on: ticket.updated
    if:
      all:
        - {{field: priority, changed_to: High}}
    then:
      - comment: {{public: false, text: "Priority is now {{{{ ticket.priority }}}} (was changed by a person)."}}
"""
DONE_COUNTER_FIELD = "actions_total|comment|done"
PROGRESS_STEP_S = 0.005
LATENCY_GOAL_P95_S = 3.0
IDLE_GOAL_CALLS = 1.0
THROUGHPUT_GOAL_RATIO = 0.25  # issue 11's goals, these three
CPU_GOAL_MS_PER_EVENT = 4.0
COMMANDS_GOAL_PER_EVENT = 25
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Latency stages: change -> start of the poll that saw it (tick wait + pickup), scheduler tick -> that poll's start
# (the poll message's queue wait), poll start -> event.evaluated, event.evaluated -> the comment in the write log.
STAGES = ("to_poll_start_s", "tick_to_poll_start_s", "poll_start_to_evaluated_s", "evaluated_to_comment_s")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2,000 tickets, fewer polls, changes and events"
    )
    parser.add_argument("--tickets", type=int, help="tickets in the sandbox's org (default 10,000; quick 2,000)")
    parser.add_argument("--idle-polls", type=int, help="idle polls measured at a 1 s interval (default 10; quick 4)")
    parser.add_argument("--changes", type=int, help="priority changes for the latency (default 40; quick 10)")
    parser.add_argument("--events", type=int, help="events for the throughput (default 1,000; quick 200)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes in the throughput phase (default 1)")
    parser.add_argument(
        "--threads", type=int, default=8, help="threads per worker process (default 8, the setting's default)"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the change offsets and ticket choice")
    parser.add_argument(
        "--appendfsync",
        choices=("always", "everysec", "no"),
        default="always",
        help="redis-server's AOF fsync policy (default always, as the e2e harness starts it)",
    )
    parser.add_argument(
        "--worker-timeout-ms",
        type=int,
        help="experiment: dramatiq's idle-queue wake-up (env dramatiq_worker_timeout) for every process; "
        "default: dramatiq's own (1000 ms)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp dir (process logs, redis AOF) and print its path"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        type=Path,
        help="py-spy (GIL holders only) the worker process during the evaluate+act measurement, folded "
        "stacks to FILE (needs py-spy in the venv; its sampling takes CPU, so the rate is lower)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.tickets = args.tickets or (2_000 if quick else 10_000)
    args.idle_polls = args.idle_polls or (4 if quick else 10)
    args.changes = args.changes or (10 if quick else 40)
    args.events = args.events or (200 if quick else 1_000)
    return args


def credits_used(pipeline: BenchPipeline) -> int:
    return int(pipeline.sandbox.control.get("/_sandbox/credits").json()[pipeline.sandbox.org_ids[0]]["used"])


def write_seq(pipeline: BenchPipeline) -> int:
    entries = pipeline.sandbox.control.get("/_sandbox/writes").json()["data"]
    return entries[-1]["seq"] if entries else 0


def writes_since(pipeline: BenchPipeline, seq: int) -> list[dict[str, Any]]:
    return pipeline.sandbox.control.get("/_sandbox/writes", params={"since": seq}).json()["data"]


# phase 1 -------------------------------------------------------------------------------------------------------
def polls_in_hand(pipeline: BenchPipeline) -> int:
    """Poll messages queued or held by a worker (dramatiq keeps a fetched message in its ack set until done)."""
    redis = pipeline.store().redis
    held = sum(redis.scard(name) for name in redis.scan_iter("dp:dramatiq:__acks__.*.deskpilot.poll"))
    return int(redis.llen("dp:dramatiq:deskpilot.poll")) + held


def wait_polls_quiet(pipeline: BenchPipeline, timeout_s: float) -> float:
    """Wait until no poll message is queued or in hand three checks in a row; seconds waited."""
    started = time.monotonic()
    quiet = 0
    while quiet < 3:
        quiet = quiet + 1 if polls_in_hand(pipeline) == 0 else 0
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"poll messages still in hand after {timeout_s}s")
        time.sleep(0.1)
    return time.monotonic() - started


def idle_polls(pipeline: BenchPipeline, polls: int, interval_s: float) -> dict[str, Any]:
    """Credits per idle poll, counted between two moments right after a poll finished."""
    logs = pipeline.worker_logs()
    done = lambda: pipeline.log_events(logs, "poll.done")  # noqa: E731
    wait_until(lambda: len(done()) >= 1, 60, "a first ordinary poll after the backfill")
    # Polls queued while the backfill ran (one per tick) are worked off before the idle window starts.
    backlog_s = wait_polls_quiet(pipeline, 300)
    store = pipeline.store()
    org = pipeline.sandbox.org_ids[0]

    def own_count() -> float:
        """deskpilot's own count of Desk API answers (metric api_calls_total), where this version keeps it."""
        counters = store.redis.hgetall(key("counters"))
        return sum(float(value) for name, value in counters.items() if name.startswith("api_calls_total|"))

    def after_next_poll(count: int) -> tuple[int, int, int, float, float]:
        # The poll after `count` has finished: it is now ~a whole interval until the next tick.
        wait_until(lambda: len(done()) > count, 10 * interval_s + 10, "the next poll")
        ticks = len(list(store.redis.scan_iter(key("tick", f"poll:{org}", "*"))))
        return len(done()), credits_used(pipeline), ticks, time.time(), own_count()

    start_polls, start_credits, start_ticks, started, start_own = after_next_poll(len(done()))
    credits_before = start_credits
    seq = write_seq(pipeline)
    directory_before = len(pipeline.log_events(logs, "directory.fetched"))
    tokens_before = pipeline.sandbox.control.get("/_sandbox/tokens/stats").json()["minted"]
    end_polls, end_credits, end_ticks, ended, end_own = after_next_poll(start_polls + polls - 1)
    window = done()[start_polls:end_polls]
    polls_ran = end_polls - start_polls
    credits = end_credits - start_credits
    return {
        "polls": polls_ran,
        "ticks": end_ticks - start_ticks,
        "credits": credits,
        "own_count": end_own - start_own,
        "calls_per_poll": credits / polls_ran if polls_ran else float("nan"),
        "seconds": ended - started,
        "backlog_s": backlog_s,
        "credits_before": credits_before,
        "seen": sum(int(entry.get("seen", 0)) for entry in window),
        "events": sum(int(entry.get("events", 0)) for entry in window),
        "writes": len(writes_since(pipeline, seq)),
        "directory_fetches": len(pipeline.log_events(logs, "directory.fetched")) - directory_before,
        "tokens_minted": pipeline.sandbox.control.get("/_sandbox/tokens/stats").json()["minted"] - tokens_before,
        "backfill_polls_tickets": [entry.get("tickets") for entry in pipeline.log_events(logs, "poll.backfilled")],
    }


# phase 2 -------------------------------------------------------------------------------------------------------
def changeable_tickets(
    pipeline: BenchPipeline, count: int, rng: random.Random, exclude: set[str] = frozenset()
) -> list[dict[str, Any]]:
    """Open mirror snapshots whose priority is not High yet, `count` of them, in random order."""
    store = pipeline.store()
    candidates = [
        ticket
        for ticket in store.mirror.scan(pipeline.sandbox.org_ids[0])
        # `status`, not `statusType`: /tickets/search results carry no statusType (the seed's example has none)
        if ticket.get("status") == "Open" and ticket.get("priority") != "High" and ticket["id"] not in exclude
    ]
    if len(candidates) < count:
        raise SystemExit(f"the sandbox has only {len(candidates)} open tickets that are not High; use more --tickets")
    rng.shuffle(candidates)
    return candidates[:count]


def raise_priorities(
    pipeline: BenchPipeline, tickets: list[dict[str, Any]], spread_s: float, rng: random.Random, wait_s: float
) -> tuple[dict[str, str], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """PATCH each ticket's priority to High, each after a wait uniform in [0, spread_s), then wait up to `wait_s`
    for deskpilot's comment on each. Returns, per ticket id: the modifiedTime after the change (the event id's
    ingredient), the PATCH and the comment as the sandbox's write log has them (one clock for both)."""
    seq = write_seq(pipeline)
    changed: dict[str, str] = {}
    deadline = time.monotonic() + len(tickets) * spread_s + 30
    with pipeline.api() as api:
        for ticket in tickets:
            if time.monotonic() > deadline:
                break
            time.sleep(rng.uniform(0, spread_s))
            response = api.patch(f"/tickets/{ticket['id']}", json={"priority": "High"})
            response.raise_for_status()
            changed[ticket["id"]] = response.json()["modifiedTime"]

    def comments() -> dict[str, dict[str, Any]]:
        found = {}
        for entry in writes_since(pipeline, seq):
            parts = entry["path"].rstrip("/").split("/")
            if entry["method"] == "POST" and parts[-1] == "comments" and entry["applied"] and parts[-2] in changed:
                found.setdefault(parts[-2], entry)
        return found

    with contextlib.suppress(AssertionError):  # the callers report the changes left without one as missing
        wait_until(lambda: len(comments()) >= len(changed), wait_s, "a comment for every change")
    writes = writes_since(pipeline, seq)
    patches = {entry["path"].rstrip("/").split("/")[-1]: entry for entry in writes if entry["method"] == "PATCH"}
    return changed, patches, comments()


def latency(
    pipeline: BenchPipeline, tickets: list[dict[str, Any]], interval_s: float, rng: random.Random
) -> dict[str, Any]:
    changed, patches, found = raise_priorities(pipeline, tickets, interval_s, rng, wait_s=60)
    store = pipeline.store()
    org = pipeline.sandbox.org_ids[0]
    fired = sorted(
        parse_iso(entry["timestamp"]).timestamp()
        for entry in pipeline.log_events(pipeline.scheduler_logs(), "tick.fired")
        if entry.get("job", "").startswith("poll:")
    )
    evaluated = {
        entry["event_id"]: parse_iso(entry["timestamp"]).timestamp()
        for entry in pipeline.log_events(pipeline.worker_logs(), "event.evaluated")
    }
    rows = []
    for ticket_id, modified in changed.items():
        if ticket_id not in found or ticket_id not in patches:
            continue
        t_change = parse_iso(patches[ticket_id]["time"]).timestamp()
        t_comment = parse_iso(found[ticket_id]["time"]).timestamp()
        row = {"ticket": ticket_id, "latency_s": t_comment - t_change}
        event = store.events.get(event_id(org, ticket_id, modified, "ticket.updated"))
        if event is not None:
            t_poll = parse_iso(event.observed_at or "").timestamp()
            t_fired = max((moment for moment in fired if moment <= t_poll + 0.001), default=None)
            row["to_poll_start_s"] = t_poll - t_change
            row["tick_to_poll_start_s"] = None if t_fired is None else t_poll - t_fired
            if event.id in evaluated:
                row["poll_start_to_evaluated_s"] = evaluated[event.id] - t_poll
                row["evaluated_to_comment_s"] = t_comment - evaluated[event.id]
        rows.append(row)
    values = [row["latency_s"] for row in rows]

    def stage(name: str) -> dict[str, float]:
        data = [row[name] for row in rows if row.get(name) is not None]
        return {"p50": percentile(data, 0.5), "p95": percentile(data, 0.95), "max": max(data, default=float("nan"))}

    return {
        "changes": len(changed),
        "acted": len(rows),
        "missing": sorted(set(changed) - set(found)),
        "p50_s": percentile(values, 0.5),
        "p95_s": percentile(values, 0.95),
        "max_s": max(values, default=float("nan")),
        "mean_s": statistics.fmean(values) if values else float("nan"),
        "stages": {name: stage(name) for name in STAGES},
    }


# phase 3 -------------------------------------------------------------------------------------------------------
def drained(pipeline: BenchPipeline) -> bool:
    store = pipeline.store()
    return store.events.pending_count() == 0 and store.ledger.pending_count() == 0


def log_events(pipeline: BenchPipeline, tickets: list[dict[str, Any]]) -> list[str]:
    """The poller's own event shape: a person raised each ticket's priority to High."""
    store = pipeline.store()
    org = pipeline.sandbox.org_ids[0]
    now = datetime.now(timezone.utc)
    modified = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    ids = []
    for previous in tickets:
        ticket = {**previous, "priority": "High", "modifiedTime": modified}
        new_id = event_id(org, ticket["id"], modified, "ticket.updated")
        event = EventRecord(
            id=new_id,
            org=org,
            kind="ticket.updated",
            ticket_id=ticket["id"],
            modified_time=modified,
            changes={"priority": (previous.get("priority"), "High")},
            by_deskpilot=False,
            ticket=ticket,
            previous=previous,
            observed_at=now.isoformat(),
        )
        if store.events.append(event):
            ids.append(new_id)
    return ids


def enqueue(broker: RedisBroker, queue: str, actor: str, args_list: list[tuple]) -> None:
    for args in args_list:
        broker.enqueue(dramatiq.Message(queue_name=queue, actor_name=actor, args=args, kwargs={}, options={}))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def measure_progress(
    done: Callable[[], int], total: int, timeout_s: float, pids: dict[str, list[int]], redis
) -> dict[str, Any]:
    """Watch a completion count from its first move to `total`: the rate over that span, the CPU seconds each
    group of processes spent in it and the Redis commands run (so start-up and enqueueing are left out of all).
    The bench's own reads (one command per look at the count, one INFO per end) are taken off the commands."""
    deadline = time.monotonic() + timeout_s
    first_count, first_at, first_cpu, first_commands, looks = None, None, {}, 0, 0
    cpu = lambda: {name: sum(cpu_seconds(pid) for pid in group) for name, group in pids.items()}  # noqa: E731
    commands = lambda: int(redis.info("stats")["total_commands_processed"])  # noqa: E731
    by_name = lambda: {  # noqa: E731
        name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in redis.info("commandstats").items()
    }
    while True:
        count = done()
        looks += 1
        now = time.perf_counter()
        if first_at is None and count > 0:
            first_count, first_at, first_cpu, first_commands, first_by_name, looks = (
                count,
                now,
                cpu(),
                commands(),
                by_name(),
                0,
            )
        if count >= total:
            span = now - first_at
            moved = total - first_count
            spent = {name: value - first_cpu[name] for name, value in cpu().items()}
            ran = commands() - first_commands - looks - 1
            named = {name: calls - first_by_name.get(name, 0) for name, calls in by_name().items()}
            top = sorted(((name, calls / moved) for name, calls in named.items() if calls), key=lambda item: -item[1])[
                :12
            ]
            return {
                "completed": total,
                "span_s": span,
                "rate_per_s": moved / span if span > 0 else float("nan"),
                "first_count": first_count,
                "cpu_s": spent,
                "cpu_ms_per_unit": {name: 1000 * value / moved for name, value in spent.items()},
                "redis_commands_per_unit": ran / moved,
                "redis_top_commands": top,
            }
        if time.monotonic() > deadline:
            raise AssertionError(f"only {count} of {total} completed in {timeout_s}s")
        time.sleep(PROGRESS_STEP_S)


def process_groups(pipeline: BenchPipeline, workers: list) -> dict[str, list[int]]:
    return {
        "workers": [process.pid for process in workers],
        "sandbox": [pipeline.sandbox.process.pid],
        "redis": [pipeline.redis_server.process.pid],
        "bench": [os.getpid()],
    }


def profile(pids: list[int], seconds: float, out: Path) -> subprocess.Popen | None:
    """py-spy (when installed in the venv) on the worker processes, folded stacks to `out`."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists() or not pids:
        return None
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "--pid",
            str(pids[0]),
            "--rate",
            "250",
            "--duration",
            str(max(1, int(seconds))),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
            "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def summarize_profile(path: Path, top: int = 12) -> dict[str, Any]:
    """Share of samples per frame: `self` (leaf) and `inclusive` for the project's and a few library frames."""
    if not path.exists():
        return {}
    total = 0
    leaf: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        frames = [frame for frame in stack.split(";") if frame]
        if any("wait" in frame and "threading.py" in frame for frame in frames[-2:]) or not frames:
            continue  # idle threads waiting on a condition
        total += samples
        leaf[frames[-1]] = leaf.get(frames[-1], 0) + samples
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples

    def share(table: dict[str, int]) -> list[tuple[str, float]]:
        return [
            (name, round(value / total, 3)) for name, value in sorted(table.items(), key=lambda item: -item[1])[:top]
        ]

    interesting = {
        name: value
        for name, value in inclusive.items()
        if any(
            part in name
            for part in ("worker/", "config/", "redis/", "httpx", "httpcore", "structlog", "json", "dramatiq/")
        )
    }
    return {"samples": total, "self": share(leaf), "inclusive": share(interesting)}


def run_noop(pipeline: BenchPipeline, broker: RedisBroker, n: int, workers: int, timeout_s: float) -> dict[str, Any]:
    redis = pipeline.store().redis
    redis.delete(NOOP_COUNTER)
    enqueue(broker, NOOP_QUEUE, NOOP_ACTOR, [(index,) for index in range(n)])
    try:
        pipeline.start_noop_workers(workers)
        return measure_progress(
            lambda: int(redis.get(NOOP_COUNTER) or 0),
            n,
            timeout_s,
            process_groups(pipeline, pipeline.noop_processes),
            redis,
        )
    finally:
        pipeline.stop_noop_workers()


def throughput(
    pipeline: BenchPipeline, tickets: list[dict[str, Any]], workers: int, profile_to: Path | None
) -> dict[str, Any]:
    store = pipeline.store()
    redis = store.redis
    broker = RedisBroker(url=pipeline.redis_server.url, namespace=Keys().dramatiq_namespace)
    n = len(tickets)
    timeout_s = 60 + n * 0.5
    try:
        pipeline.stop_scheduler()
        wait_until(lambda: drained(pipeline), 60, "the latency phase's work to finish")
        pipeline.stop_workers()
        seq = write_seq(pipeline)
        credits_before = credits_used(pipeline)

        # no-op: the same worker processes' set-up and threads, an actor that does nothing; run before and after
        noop_before = run_noop(pipeline, broker, n, workers, timeout_s)

        # deskpilot: evaluate + act
        base = float(redis.hget(key("counters"), DONE_COUNTER_FIELD) or 0)
        ids = log_events(pipeline, tickets)
        enqueue(broker, "deskpilot.evaluate", "evaluate", [(event,) for event in ids])
        logs = pipeline.start_workers(workers)
        spy = None
        if profile_to is not None:
            wait_until(lambda: pipeline.log_events(logs, "service.started"), 30, "the worker to start")
            spy = profile([process.pid for process in pipeline.worker_processes], 60, profile_to)
        try:
            real = measure_progress(
                lambda: int(float(redis.hget(key("counters"), DONE_COUNTER_FIELD) or 0) - base),
                len(ids),
                timeout_s,
                process_groups(pipeline, pipeline.worker_processes),
                redis,
            )
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes what it has and exits
                try:
                    spy.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    spy.kill()
                    spy.wait()
        wait_until(lambda: drained(pipeline), 30, "every event and action to be final")
        comments = [
            entry
            for entry in writes_since(pipeline, seq)
            if entry["method"] == "POST" and entry["path"].endswith("/comments")
        ]
        credits = credits_used(pipeline) - credits_before
        pipeline.stop_workers()

        noop_after = run_noop(pipeline, broker, n, workers, timeout_s)
    finally:
        broker.close()
    noop = (
        noop_before if noop_before["rate_per_s"] < noop_after["rate_per_s"] else noop_after
    )  # the slower: the ratio errs high
    noop_rates = [noop_before["rate_per_s"], noop_after["rate_per_s"]]
    return {
        "events": len(ids),
        "events_per_s": real["rate_per_s"],
        "span_s": real["span_s"],
        "noop_per_s": noop["rate_per_s"],
        "noop_rates": noop_rates,
        "noop_span_s": noop["span_s"],
        "ratio": real["rate_per_s"] / noop["rate_per_s"],
        "comment_posts": len(comments),
        "comment_posts_applied": sum(1 for entry in comments if entry["applied"]),
        "api_credits": credits,
        "cpu_ms_per_event": real["cpu_ms_per_unit"],
        "cpu_ms_per_noop": noop["cpu_ms_per_unit"],
        "redis_commands_per_event": real["redis_commands_per_unit"],
        "redis_commands_per_noop": noop["redis_commands_per_unit"],
        "redis_top_commands": real["redis_top_commands"],
        "cpu_s": real["cpu_s"],
        "noop_cpu_s": noop["cpu_s"],
        "profile": summarize_profile(profile_to) if profile_to is not None else {},
    }


# main ----------------------------------------------------------------------------------------------------------
def report_idle(idle: dict[str, Any]) -> None:
    print(
        f"idle polls (1 s interval): {idle['credits']} credits over {idle['polls']} polls ({idle['ticks']} poll ticks "
        f"claimed) = {idle['calls_per_poll']:.2f} API calls per idle poll (goal {IDLE_GOAL_CALLS:g}); deskpilot's own "
        f"api_calls_total counted {idle['own_count']:g}; window {idle['seconds']:.1f}s, tickets re-read "
        f"{idle['seen']}, "
        f"events {idle['events']}, writes {idle['writes']}, directory fetches {idle['directory_fetches']}, tokens "
        "minted "
        f"{idle['tokens_minted']} (accounts server, not in credits)",
        flush=True,
    )
    backfills = idle["backfill_polls_tickets"]
    if len(backfills) > 1:
        print(
            "  WARNING: more than one backfill poll ran (polls of one org overlap: each tick sends a poll, none waits "
            "for the one running)",
            flush=True,
        )
    print(
        f"  backfill polls that ran: {len(backfills)} (tickets read by each: {backfills}); {idle['credits_before']} "
        f"credits used before the window; the poll messages queued meanwhile took {idle['backlog_s']:.1f}s more to "
        "work off",
        flush=True,
    )


def report_latency(lat: dict[str, Any]) -> None:
    print(
        f"change-to-action latency (2 s interval, {lat['acted']}/{lat['changes']} changes acted on): p50 "
        f"{lat['p50_s']:.2f}s, "
        f"p95 {lat['p95_s']:.2f}s, max {lat['max_s']:.2f}s (goal p95 < {LATENCY_GOAL_P95_S:g}s)",
        flush=True,
    )
    print(
        "  stages p50/p95: "
        + ", ".join(f"{name[:-2]} {value['p50']:.2f}/{value['p95']:.2f}s" for name, value in lat["stages"].items()),
        flush=True,
    )
    if lat["missing"]:
        print(f"  no comment within 60 s for tickets {lat['missing']}", flush=True)


def report_throughput(thr: dict[str, Any], workers: int, threads: int) -> None:
    before, after = thr["noop_rates"]
    print(
        f"throughput ({workers} worker process x {threads} threads, {thr['events']} events): {thr['events_per_s']:.1f} "
        f"events/s evaluated and acted on ({thr['comment_posts_applied']} comments applied, {thr['api_credits']} "
        "credits); "
        f"no-op actor {thr['noop_per_s']:.1f} messages/s (slower of the runs before and after: {before:.0f}, "
        f"{after:.0f}); "
        f"ratio {thr['ratio']:.3f} (goal {THROUGHPUT_GOAL_RATIO:g})",
        flush=True,
    )
    per_event, per_noop = thr["cpu_ms_per_event"], thr["cpu_ms_per_noop"]
    print(
        f"  CPU ms per event (goal: workers {CPU_GOAL_MS_PER_EVENT:g}): "
        + ", ".join(f"{name} {value:.2f}" for name, value in per_event.items())
        + "; per no-op message: "
        + ", ".join(f"{name} {value:.2f}" for name, value in per_noop.items()),
        flush=True,
    )
    print(
        f"  Redis commands per event {thr['redis_commands_per_event']:.1f} (dramatiq's included; goal "
        f"{COMMANDS_GOAL_PER_EVENT}), per no-op message "
        f"{thr['redis_commands_per_noop']:.1f}; API calls per event {thr['api_credits'] / max(thr['events'], 1):.2f}",
        flush=True,
    )
    print(
        "  Redis commands per event by name (scripts run as evalsha; the bench's own reads included): "
        + ", ".join(f"{name} {calls:.1f}" for name, calls in thr["redis_top_commands"]),
        flush=True,
    )
    if thr["profile"]:
        print(
            f"  py-spy of the worker ({thr['profile']['samples']} samples holding the GIL), self: "
            + "; ".join(f"{name} {share:.0%}" for name, share in thr["profile"]["self"]),
            flush=True,
        )
        print(
            "  inclusive: " + "; ".join(f"{name} {share:.0%}" for name, share in thr["profile"]["inclusive"]),
            flush=True,
        )


def figures(
    args: argparse.Namespace,
    backfill: dict[str, Any],
    idle: dict[str, Any],
    lat: dict[str, Any],
    thr: dict[str, Any],
    total_s: float,
    load: tuple[float, float, float],
) -> dict[str, Any]:
    return {
        "bench": "pipeline",
        "quick": args.quick,
        "tickets": args.tickets,
        "backfill_s": round(backfill["seconds"], 2),
        "backfill_polls": len(idle["backfill_polls_tickets"]),
        "backfill_credits": idle["credits_before"],
        "idle_backlog_s": round(idle["backlog_s"], 2),
        "idle_polls": idle["polls"],
        "idle_ticks": idle["ticks"],
        "idle_credits": idle["credits"],
        "idle_calls_per_poll": round(idle["calls_per_poll"], 3),
        "idle_own_api_calls": idle["own_count"],
        "idle_directory_fetches": idle["directory_fetches"],
        "idle_writes": idle["writes"],
        "latency_poll_interval_s": 2.0,
        "latency_changes": lat["changes"],
        "latency_acted": lat["acted"],
        "latency_p50_s": round(lat["p50_s"], 3),
        "latency_p95_s": round(lat["p95_s"], 3),
        "latency_max_s": round(lat["max_s"], 3),
        "latency_stages": {name: {k: round(v, 3) for k, v in value.items()} for name, value in lat["stages"].items()},
        "throughput_events": thr["events"],
        "throughput_workers": args.workers,
        "throughput_threads": args.threads,
        "events_per_s": round(thr["events_per_s"], 1),
        "noop_per_s": round(thr["noop_per_s"], 1),
        "noop_runs_per_s": [round(rate, 1) for rate in thr["noop_rates"]],
        "throughput_ratio": round(thr["ratio"], 3),
        "throughput_comments_applied": thr["comment_posts_applied"],
        "throughput_cpu_ms_per_event": {name: round(value, 3) for name, value in thr["cpu_ms_per_event"].items()},
        "throughput_cpu_ms_per_noop": {name: round(value, 3) for name, value in thr["cpu_ms_per_noop"].items()},
        "throughput_redis_commands_per_event": round(thr["redis_commands_per_event"], 1),
        "throughput_redis_commands_per_noop": round(thr["redis_commands_per_noop"], 1),
        "appendfsync": args.appendfsync,
        "dramatiq_worker_timeout_ms": args.worker_timeout_ms,
        "total_s": round(total_s, 1),
        "loadavg": [round(value, 2) for value in load],
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    profile_to = args.profile.resolve() if args.profile else None
    os.chdir(ROOT)  # the child processes run `python -m worker.cli`
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    env = {
        # The production defaults, where the e2e harness shortens them for its tests.
        "DESKPILOT_POLL_OVERLAP_S": "30",
        "DESKPILOT_RECONCILE_INTERVAL_S": "15",
        "DESKPILOT_EVENT_DEADLINE_S": "60",
        "DESKPILOT_ACTION_LEASE_S": "60",
        "DESKPILOT_ACTION_DEADLINE_S": "120",
        "DESKPILOT_RULES_RELOAD_S": "5",
        "DESKPILOT_WORKER_THREADS": str(args.threads),
    }
    if args.worker_timeout_ms is not None:
        env["dramatiq_worker_timeout"] = str(args.worker_timeout_ms)
    pipeline = BenchPipeline(
        root=root, rules=RULES, tickets=args.tickets, poll_interval_s=1.0, workers=1, extra_env=env
    )
    started = time.monotonic()
    try:
        pipeline.start()
        pipeline.store().redis.config_set("appendfsync", args.appendfsync)
        backfill_started = time.monotonic()
        wait_until(pipeline.backfilled, 300, "the first poll to backfill the mirror")
        backfill = {"seconds": time.monotonic() - backfill_started}
        print(
            f"sandbox: 1 org, {args.tickets} tickets; the first backfill finished after {backfill['seconds']:.1f}s; "
            f"mirror holds {pipeline.store().mirror.size(pipeline.sandbox.org_ids[0])} tickets",
            flush=True,
        )

        idle = idle_polls(pipeline, args.idle_polls, 1.0)
        report_idle(idle)

        pipeline.restart_scheduler(2.0)
        chosen = changeable_tickets(pipeline, args.changes + args.events, rng)
        lat = latency(pipeline, chosen[: args.changes], 2.0, rng)
        report_latency(lat)

        thr = throughput(pipeline, chosen[args.changes :], args.workers, profile_to)
        report_throughput(thr, args.workers, args.threads)
    finally:
        pipeline.stop()
        if args.keep:
            print(f"kept {root}", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    total_s = time.monotonic() - started
    load = os.getloadavg()
    print(
        f"total {total_s:.0f}s; load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} "
        "CPUs "
        "(other work on the machine skews every figure)",
        flush=True,
    )
    print(json.dumps(figures(args, backfill, idle, lat, thr, total_s, load)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
