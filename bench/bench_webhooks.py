"""Benchmark of the webhook fast path beside polling, in one deployment: change-to-action latency through a poll
and through a delivery, and the Desk API calls an idle hour costs with webhooks.

    .venv/bin/python bench/bench_webhooks.py [--tickets N] [--changes N] [--poll-interval S] [--safety-net S]
        [--idle S] [--worker-idle-wake-ms MS] [--seed N] [--keep]

One deployment, all real and on 127.0.0.1 (tests/support/pipeline.py): redis-server, the sandbox Desk (which signs
and delivers webhooks), `deskpilot scheduler` (with the receiver on a free port) and one `deskpilot worker`.
Production defaults for the pipeline's settings. Phases:

1. Polling (no subscription installed: the scheduler polls every --poll-interval, 2 s by default, as in
   bench_pipeline.py). A rule comments on `priority changed_to High`; the bench PATCHes the priority of distinct
   open tickets at random offsets (each wait uniform in [0, poll interval)). Latency = the sandbox write-log time
   of deskpilot's comment POST minus that of the bench's PATCH (one clock).
2. Webhooks: `deskpilot webhooks install` creates the subscription the rule needs (Ticket_Update); the poll
   stretches to --safety-net (60 s). The same measure on other tickets; each event says what saw it first.
3. Idle with webhooks: no change for --idle seconds (default 130: two safety-net polls); API calls = sandbox
   credits used over the window (every endpoint weighs 1), per hour. The goal: at most one per safety-net poll.

Prints human lines, then one JSON line {"bench": "webhooks", ...}. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import RULES, changeable_tickets, credits_used, raise_priorities  # noqa: E402
from bench.support import BenchPipeline, parse_iso, percentile  # noqa: E402
from tests.support.pipeline import wait_until  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from worker.store.events import event_id  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2000, help="tickets in the sandbox (default 2000)")
    parser.add_argument("--changes", type=int, default=40, help="changes measured per path (default 40)")
    parser.add_argument("--poll-interval", type=float, default=2.0, help="the short poll (default 2 s)")
    parser.add_argument("--safety-net", type=float, default=60.0, help="the poll while webhooks deliver (60 s)")
    parser.add_argument("--idle", type=float, default=130.0, help="idle window with webhooks (default 130 s)")
    parser.add_argument(
        "--worker-idle-wake-ms", type=int, default=None, help="DESKPILOT_WORKER_IDLE_WAKE_MS (default: the setting's)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the deployment's folder (logs)")
    return parser.parse_args(argv)


def measure(pipeline: BenchPipeline, tickets: list[dict[str, Any]], spread_s: float, rng: random.Random) -> dict:
    """Change each ticket's priority at random offsets; the latency of each comment, and what saw each change."""
    changed, patches, found = raise_priorities(pipeline, tickets, spread_s, rng, wait_s=120)
    return analyse(pipeline, changed, patches, found)


def analyse(
    pipeline: BenchPipeline, changed: dict[str, str], patches: dict[str, dict], found: dict[str, dict]
) -> dict[str, Any]:
    """Latency per change (PATCH to comment on the Desk's write log), by what saw it first, and by stage."""
    store, org = pipeline.store(), pipeline.sandbox.org_ids[0]
    evaluated = {
        entry["event_id"]: parse_iso(entry["timestamp"]).timestamp()
        for entry in pipeline.log_events(pipeline.worker_logs(), "event.evaluated")
    }
    latencies: dict[str, list[float]] = {}
    stages: dict[str, list[float]] = {"change_to_seen": [], "seen_to_evaluated": [], "evaluated_to_action": []}
    for ticket_id, modified in changed.items():
        if ticket_id in found and ticket_id in patches:
            event = store.events.get(event_id(org, ticket_id, modified, "ticket.updated"))
            t_change = parse_iso(patches[ticket_id]["time"]).timestamp()
            t_action = parse_iso(found[ticket_id]["time"]).timestamp()
            latencies.setdefault(event.source if event else "unknown", []).append(t_action - t_change)
            if event is not None and event.observed_at and event.id in evaluated:
                t_seen = parse_iso(event.observed_at).timestamp()  # the delivery's arrival, or the poll's start
                stages["change_to_seen"].append(t_seen - t_change)
                stages["seen_to_evaluated"].append(evaluated[event.id] - t_seen)
                stages["evaluated_to_action"].append(t_action - evaluated[event.id])
    every = [value for values in latencies.values() for value in values]
    return {
        "stages_p50_p95_s": {
            name: [round(percentile(values, 0.5), 3), round(percentile(values, 0.95), 3)]
            for name, values in stages.items()
        },
        "changes": len(changed),
        "acted": len(every),
        "p50_s": percentile(every, 0.5),
        "p95_s": percentile(every, 0.95),
        "max_s": max(every, default=float("nan")),
        "by_source": {source: len(values) for source, values in latencies.items()},
    }


def idle_calls(pipeline: BenchPipeline, seconds: float, safety_net_s: float) -> dict[str, Any]:
    """API calls over an idle window that starts after a safety-net poll has absorbed the last phase's aftermath
    (deskpilot's own comments, read once by the loop guard)."""
    polls = lambda: len(pipeline.log_events(pipeline.worker_logs(), "poll.done"))  # noqa: E731
    seen = polls()
    wait_until(lambda: polls() > seen, safety_net_s + 60, "a safety-net poll")
    time.sleep(2)
    before, started = credits_used(pipeline), time.monotonic()
    time.sleep(seconds)
    used, took = credits_used(pipeline) - before, time.monotonic() - started
    return {"seconds": round(took, 1), "credits": used, "per_hour": round(used * 3600 / took, 1)}


def install(pipeline: BenchPipeline, port: int) -> None:
    command = [sys.executable, "-m", "worker.cli", "webhooks", "install", "--url", f"http://127.0.0.1:{port}/desk"]
    done = subprocess.run(command, env=pipeline.env(), capture_output=True, text=True, timeout=60, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"deskpilot webhooks install failed: {done.stderr.strip()}")
    print(done.stdout.strip(), flush=True)


def report(name: str, figures: dict[str, Any]) -> None:
    print(
        f"{name}: {figures['acted']}/{figures['changes']} changes acted on; change-to-action p50 "
        f"{figures['p50_s']:.3f} s, p95 {figures['p95_s']:.3f} s, max {figures['max_s']:.3f} s; "
        f"seen first by {figures['by_source']}; stages p50/p95 {figures['stages_p50_p95_s']}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.chdir(ROOT)
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    port = free_port()
    env = {
        "DESKPILOT_POLL_OVERLAP_S": "30",
        "DESKPILOT_RECONCILE_INTERVAL_S": "15",
        "DESKPILOT_EVENT_DEADLINE_S": "60",
        "DESKPILOT_ACTION_LEASE_S": "60",
        "DESKPILOT_ACTION_DEADLINE_S": "120",
        "DESKPILOT_RULES_RELOAD_S": "5",
        "DESKPILOT_WORKER_THREADS": "8",
        "DESKPILOT_WEBHOOK_PORT": str(port),
        "DESKPILOT_WEBHOOK_POLL_INTERVAL_S": str(args.safety_net),
    }
    if args.worker_idle_wake_ms is not None:
        env["DESKPILOT_WORKER_IDLE_WAKE_MS"] = str(args.worker_idle_wake_ms)
    pipeline = BenchPipeline(
        root=root, rules=RULES, tickets=args.tickets, poll_interval_s=args.poll_interval, workers=1, extra_env=env
    )
    started = time.monotonic()
    try:
        pipeline.start()
        wait_until(pipeline.backfilled, 300, "the first poll to backfill the mirror")
        chosen = changeable_tickets(pipeline, 2 * args.changes, rng)
        polled = measure(pipeline, chosen[: args.changes], args.poll_interval, rng)
        report(f"polling every {args.poll_interval:g} s", polled)
        install(pipeline, port)
        time.sleep(3)  # the scheduler reads the pace every 2 s
        hooked = measure(pipeline, chosen[args.changes :], args.poll_interval, rng)
        report(f"webhooks (safety-net poll every {args.safety_net:g} s)", hooked)
        idle = idle_calls(pipeline, args.idle, args.safety_net)
        print(
            f"idle with webhooks: {idle['credits']} API calls in {idle['seconds']} s = {idle['per_hour']} per hour "
            f"(one safety-net poll every {args.safety_net:g} s is {3600 / args.safety_net:.0f} per hour; "
            f"polling every {args.poll_interval:g} s would be {3600 / args.poll_interval:.0f})",
            flush=True,
        )
    finally:
        pipeline.stop()
        if args.keep:
            print(f"kept {root}", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()
    print(f"total {time.monotonic() - started:.0f}s; load average at the end {load[0]:.2f} on {os.cpu_count()} CPUs")
    result = {"bench": "webhooks", "tickets": args.tickets, "polling": polled, "webhooks": hooked, "idle": idle}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
