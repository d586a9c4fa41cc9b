"""Benchmark of the SLA sweep against a sandbox Desk of ~10,000 open tickets: what one sweep costs (seconds, API
calls; goal: no call beyond the actions) and how late escalations fire (goal: p95 under the sweep interval + 5 s).

    .venv/bin/python bench/bench_sla.py [--quick] [--tickets N] [--rounds N] [--lateness-tickets N] [--keep]

All real and all on 127.0.0.1: redis-server with AOF (tests/support/redis_server.py), the sandbox Desk child
process (tests/support/sandbox.py), and in phase 2 `deskpilot scheduler` and `deskpilot worker` child processes.

1. Sweep cost (in this process, nothing else talks to the Desk). The sandbox is seeded with `--tickets` tickets
   in one org (default 15,400, of which ~10,000 are not Closed; quick 2,000). The real poller (worker/ingest/poller.py
   with a TimelineKeeper, `sla_timeline_fill_per_poll` raised to 1,000) fills Redis: its first poll backfills
   the mirror, the next polls read the threads of every ticket scheduled for a timeline until none is missing.
   Every Desk answer is counted by endpoint (an httpx response hook on the bench's client) and cross-checked with
   the sandbox's own count (`GET /_sandbox/credits`, every endpoint weighs 1). Then `SlaSweeper.sweep` runs over
   the mirror with the shipped rules/ (three policies: VIP 24x7, Billing in New York hours, Support in Berlin
   hours) and the real DirectoryCache:
     first sweep   many levels due: seconds, levels fired, actions recorded in the ledger;
     warm sweeps   `--rounds` more, every level due already fired: seconds (median, max), API calls (goal 0);
     ttl sweep     one more after the cached directory was dropped (as when its `directory_ttl_s` runs out).
   Actions are not part of a sweep's cost and are not executed here: the sweeper's `send` callback only collects
   the ids it is handed (no worker runs in this phase), so every API call counted during a sweep is the sweep's
   own (the directory: agents, departments, reply addresses). Each sweep gets a fresh DirectoryCache, as a worker
   sweeping every 60 s finds its 5 s in-process memo stale (the directory is then read from Redis and each
   agent's open tickets are counted over the mirror, which is part of the sweep's time).
2. Lateness (production pipeline settings, sweep interval `--interval`, default 5 s; poll interval 2 s). The
   same Redis and sandbox: the actions planned in phase 1 are closed in the ledger as failed (never executed, so
   the reconciler does not send them), and the rules folder becomes a short-target policy for the bench's
   tickets (subject "[sla-bench]": first response 20 s, levels at -10 s, 0, +10 s, each a comment) ahead of the
   shipped policies, so every sweep still walks the ~10,000-ticket mirror with all its levels already fired.
   `--lateness-tickets` tickets (default 30; quick 10) are created through the API over `--spread` seconds
   (random gaps). Lateness of a level = the sandbox write-log time of its comment POST - (ticket createdTime +
   offset), both on the sandbox's clock. It is split with the sweeper's own `lateness_s` from the audit (the
   sweep's `now`, taken as the sweep starts, - due time; Redis clock) into "sweep start - due" and "sweep start
   -> comment written" (scan up to the ticket, act queue, the POST). Also: each sla tick's due time (`tick.fired`)
   to the next `sla.swept` line (queue wait + the whole sweep).

Prints human lines, then one JSON line {"bench": "sla", ...}. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

for _name in [name for name in os.environ if name.startswith("DESKPILOT_")]:  # this process's settings are the bench's
    del os.environ[_name]

import httpx  # noqa: E402

from bench.support import BenchPipeline, parse_iso, percentile  # noqa: E402
from config.logging import configure_logging  # noqa: E402
from config.settings import load_settings  # noqa: E402
from tests.support.pipeline import wait_until  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.sandbox import SandboxProcess  # noqa: E402
from worker.app.runtime import Runtime  # noqa: E402
from worker.engine.loader import load_rules  # noqa: E402
from worker.ingest.absorb import CLOSED_RETENTION  # noqa: E402
from worker.ingest.directory import DirectoryCache  # noqa: E402
from worker.ingest.poller import Poller  # noqa: E402
from worker.ingest.timeline_sync import TimelineKeeper  # noqa: E402
from worker.plan.sla_levels import SlaSweeper  # noqa: E402
from worker.store.keys import Keys, server_now  # noqa: E402

key = Keys().key  # the default namespace, as Store.connect() uses

SHIPPED_RULES = ROOT / "rules"
FILL_PER_POLL = 1000
LATENESS_SLACK_S = 5.0
SUBJECT_PREFIX = "[sla-bench]"
LEVELS = {"warning": 10.0, "breach": 20.0, "level2": 30.0}  # seconds after creation
FAST_POLICY = f"""
# The bench's short-target policy: governs only its own tickets; listed before the shipped policies (file order).
sla_policies:
  - id: bench-fast
    name: Bench tickets, first response in 20 s, around the clock
    if: {{field: subject, starts_with: "{SUBJECT_PREFIX}"}}
    metrics:
      first_response:
        targets: {{default: 20s}}
        escalations:
          - {{at: -10s, name: warning, then: [{{comment: {{text: "SLA-BENCH warning"}}}}]}}
          - {{at: 0, name: breach, then: [{{comment: {{text: "SLA-BENCH breach"}}}}]}}
          - {{at: +10s, name: level2, then: [{{comment: {{text: "SLA-BENCH level2"}}}}]}}
"""
PHASE2_ENV = {  # production defaults where the e2e harness shortens them
    "DESKPILOT_POLL_OVERLAP_S": "30",
    "DESKPILOT_RECONCILE_INTERVAL_S": "15",
    "DESKPILOT_EVENT_DEADLINE_S": "60",
    "DESKPILOT_ACTION_LEASE_S": "60",
    "DESKPILOT_ACTION_DEADLINE_S": "120",
    "DESKPILOT_RULES_RELOAD_S": "5",
    "DESKPILOT_WORKER_THREADS": "8",
}
MAX_PHASE1_S = 420.0
START_TIMEOUT_S = 60.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2,000 tickets, 3 warm sweeps, 10 lateness tickets"
    )
    parser.add_argument(
        "--tickets", type=int, help="tickets seeded in the org (default 15,400: ~10,000 not Closed; quick 2,000)"
    )
    parser.add_argument("--rounds", type=int, help="warm sweeps timed (default 5; quick 3)")
    parser.add_argument(
        "--lateness-tickets", type=int, help="tickets with the short-target policy (default 30; quick 10)"
    )
    parser.add_argument("--spread", type=float, help="seconds over which they are created (default 30; quick 10)")
    parser.add_argument("--interval", type=float, default=5.0, help="SLA sweep interval in phase 2 (default 5 s)")
    parser.add_argument("--poll-interval", type=float, default=2.0, help="poll interval in phase 2 (default 2 s)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the creation gaps")
    parser.add_argument(
        "--appendfsync",
        choices=("always", "everysec", "no"),
        default="always",
        help="redis-server's AOF fsync policy (default always, as the e2e harness starts it)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp dir (process logs, redis AOF) and print its path"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.tickets = args.tickets or (2_000 if quick else 15_400)
    args.rounds = args.rounds or (3 if quick else 5)
    args.lateness_tickets = args.lateness_tickets or (10 if quick else 30)
    args.spread = args.spread if args.spread is not None else (10.0 if quick else 30.0)
    return args


# measuring -----------------------------------------------------------------------------------------------------
def endpoint_class(method: str, path: str) -> str:
    if path.endswith("/tickets/search"):
        return "search"
    if path.endswith("/threads") and method == "GET":
        return "threads"
    if path.endswith(("/agents", "/departments", "/mailReplyAddress")):
        return "directory"
    return f"{method} other"


class ApiCounter:
    """Desk API answers seen by one DeskClient, by endpoint class (an httpx response hook, like the Runtime's)."""

    def __init__(self, api_root: str) -> None:
        self.api_root = api_root.rstrip("/")
        self.counts: Counter[str] = Counter()

    def attach(self, client) -> None:
        http = client.transport.http

        def count(response: httpx.Response) -> None:
            url = str(response.request.url)
            if url.startswith(self.api_root):
                self.counts[endpoint_class(response.request.method, response.request.url.path)] += 1

        http.event_hooks = {**http.event_hooks, "response": [*http.event_hooks.get("response", []), count]}

    def snapshot(self) -> Counter[str]:
        return Counter(self.counts)

    def since(self, before: Counter[str]) -> dict[str, int]:
        return {name: value - before.get(name, 0) for name, value in self.counts.items() if value - before.get(name, 0)}


def credits_used(sandbox: SandboxProcess) -> int:
    return int(sandbox.control.get("/_sandbox/credits").json()[sandbox.org_ids[0]]["used"])


def write_log(sandbox: SandboxProcess, since: int = 0) -> list[dict[str, Any]]:
    return sandbox.control.get("/_sandbox/writes", params={"since": since}).json()["data"]


def redis_commands(redis) -> int:
    return int(redis.info("stats")["total_commands_processed"])


# phase 1: sweep cost -------------------------------------------------------------------------------------------
def fill_mirror(runtime: Runtime, client, counter: ApiCounter, sandbox: SandboxProcess, org: str) -> dict[str, Any]:
    """The real poller: a backfill, then polls until every scheduled timeline is filled (bounded)."""
    store = runtime.store
    keeper = TimelineKeeper(client, store, FILL_PER_POLL)
    events: list[str] = []
    poller = Poller(
        client, store, events.append, overlap=timedelta(seconds=runtime.settings.poll_overlap_s), timelines=keeper
    )

    calls0, credits0 = counter.snapshot(), credits_used(sandbox)
    started = time.perf_counter()
    poller.poll()
    backfill_s = time.perf_counter() - started
    backfill_calls, backfill_credits = counter.since(calls0), credits_used(sandbox) - credits0
    missing = key("timeline", org, "missing")
    scheduled = int(store.redis.scard(missing))
    print(
        f"  backfill: {backfill_s:.1f}s, {backfill_credits} credits ({backfill_calls}); mirror "
        f"{store.mirror.size(org)} "
        f"tickets, {scheduled} scheduled for a timeline fill",
        flush=True,
    )

    calls1, credits1 = counter.snapshot(), credits_used(sandbox)
    started = time.perf_counter()
    polls, poll_seconds = 0, []
    max_polls = math.ceil(scheduled / FILL_PER_POLL) + 3
    while store.redis.scard(missing):
        if polls >= max_polls or time.perf_counter() - started > MAX_PHASE1_S:
            raise AssertionError(f"timelines still missing after {polls} polls: {store.redis.scard(missing)}")
        began = time.perf_counter()
        poller.poll()
        poll_seconds.append(time.perf_counter() - began)
        polls += 1
    fill_s = time.perf_counter() - started
    fill_calls, fill_credits = counter.since(calls1), credits_used(sandbox) - credits1

    # What the mirror and the timelines hold (the poller keeps what search returned: `status`, no `statusType`).
    tickets = list(store.mirror.scan(org))
    closed_ids = [ticket["id"] for ticket in tickets if ticket.get("status") == "Closed"]
    now = server_now(store.redis)
    stale_closed = sum(
        1
        for ticket in tickets
        if ticket.get("status") == "Closed"
        and ticket.get("closedTime")
        and now - parse_iso(ticket["closedTime"]) > CLOSED_RETENTION
    )
    timelines = int(store.redis.hlen(key("timeline", org)))
    closed_with_timeline = sum(
        len(store.timelines.get_many(org, closed_ids[i : i + 1000])) for i in range(0, len(closed_ids), 1000)
    )
    return {
        "backfill_s": backfill_s,
        "backfill_credits": backfill_credits,
        "backfill_calls": backfill_calls,
        "scheduled": scheduled,
        "fill_polls": polls,
        "fill_s": fill_s,
        "fill_poll_s": poll_seconds,
        "fill_credits": fill_credits,
        "fill_calls": fill_calls,
        "mirror": len(tickets),
        "mirror_closed": len(closed_ids),
        "mirror_stale_closed": stale_closed,
        "mirror_with_status_type": sum(1 for ticket in tickets if ticket.get("statusType")),
        "timelines": timelines,
        "closed_with_timeline": closed_with_timeline,
        "events": len(events),
        "threads_per_timeline": fill_calls.get("threads", 0) / timelines if timelines else math.nan,
        "threads_per_open": fill_calls.get("threads", 0) / max(len(tickets) - len(closed_ids), 1),
    }


def timed_sweep(
    runtime: Runtime, rules, client, counter: ApiCounter, sandbox: SandboxProcess, org: str
) -> dict[str, Any]:
    """One SlaSweeper.sweep over the mirror with a fresh DirectoryCache; `send` only collects (no action runs)."""
    store = runtime.store
    cache = DirectoryCache(store, runtime.settings.directory_ttl_s)
    sent: list[str] = []
    sweeper = SlaSweeper(store, rules, lambda org_id: cache.get(runtime.client(org_id)), sent.append)
    calls0, credits0 = counter.snapshot(), credits_used(sandbox)
    pending0, commands0 = store.ledger.pending_count(), redis_commands(store.redis)
    now = server_now(store.redis)
    cpu0, started = time.process_time(), time.perf_counter()
    result = sweeper.sweep([org], now)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
    commands = redis_commands(store.redis) - commands0 - 2  # less the two INFO calls
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "tickets": result.tickets,
        "without_timeline": result.without_timeline,
        "escalations": len(result.escalations),
        "actions_recorded": store.ledger.pending_count() - pending0,
        "first_actions_handed_to_send": len(sent),
        "credits": credits_used(sandbox) - credits0,
        "calls": counter.since(calls0),
        "redis_commands": commands,
        "levels": Counter(
            level.split("|")[0] + "|" + level.split("|")[1] + "|" + level.split("|")[-1]
            for _, level, _ in result.escalations
        ),
    }


def directory_seconds(runtime: Runtime, client) -> float:
    cache = DirectoryCache(runtime.store, runtime.settings.directory_ttl_s)
    started = time.perf_counter()
    cache.get(client)
    return time.perf_counter() - started


def sweep_cost(args: argparse.Namespace, redis_server: RedisServer, sandbox: SandboxProcess) -> dict[str, Any]:
    org = sandbox.org_ids[0]
    settings = load_settings(
        api_root=sandbox.api_root,
        accounts_url=sandbox.accounts_url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        refresh_token=sandbox.refresh_token,
        org_ids=[org],
        redis_url=redis_server.url,
        rules_path=SHIPPED_RULES,
        sla_timeline_fill_per_poll=FILL_PER_POLL,
        poll_overlap_s=30.0,
        metrics_port=0,
        log_level="warning",
        log_format="console",
    )
    runtime = Runtime.from_settings(settings)
    try:
        rules = runtime.rules.load()
        client = runtime.client(org)
        counter = ApiCounter(settings.api_root)
        counter.attach(client)
        seq0 = len(write_log(sandbox))
        print(
            f"phase 1: sweep cost; shipped rules {rules.version}: {len(rules.sla_policies)} SLA policies "
            f"({', '.join(policy.id for policy in rules.sla_policies)})",
            flush=True,
        )
        fill = fill_mirror(runtime, client, counter, sandbox, org)
        print(
            f"  timeline fill: {fill['fill_polls']} polls in {fill['fill_s']:.1f}s (per poll "
            f"{min(fill['fill_poll_s']):.1f}-"
            f"{max(fill['fill_poll_s']):.1f}s), {fill['fill_credits']} credits ({fill['fill_calls']}): "
            f"{fill['threads_per_timeline']:.2f} thread reads per timeline filled; {fill['timelines']} timelines for "
            f"{fill['mirror'] - fill['mirror_closed']} open tickets = {fill['threads_per_open']:.2f} calls per open "
            "ticket",
            flush=True,
        )
        print(
            f"  mirror: {fill['mirror']} tickets, {fill['mirror_closed']} of them Closed "
            f"({fill['mirror_stale_closed']} closed "
            f"longer ago than the {CLOSED_RETENTION.days}-day retention; statusType on "
            f"{fill['mirror_with_status_type']} "
            f"snapshots: search answers lack it); {fill['closed_with_timeline']} Closed tickets got a timeline",
            flush=True,
        )
        if fill["mirror_stale_closed"] or fill["closed_with_timeline"]:
            print(
                "  WARNING: Closed tickets kept past the retention or filled (one thread read each): is `Closed` "
                "recognised "
                "without statusType?",
                flush=True,
            )

        first = timed_sweep(runtime, rules, client, counter, sandbox, org)
        print(
            f"  first sweep: {first['seconds']:.2f}s (CPU {first['cpu_s']:.2f}s) over {first['tickets']} tickets "
            f"({first['without_timeline']} without timeline): {first['escalations']} levels fired, "
            f"{first['actions_recorded']} actions recorded (not executed); {first['credits']} API calls "
            f"{first['calls']} "
            f"(the directory, not cached yet); {first['redis_commands']} Redis commands",
            flush=True,
        )
        print(
            "    levels fired by policy|metric|level: "
            + ", ".join(f"{name} {count}" for name, count in first["levels"].most_common()),
            flush=True,
        )

        warm = []
        for _ in range(args.rounds):
            warm.append(timed_sweep(runtime, rules, client, counter, sandbox, org))
        seconds = [sweep["seconds"] for sweep in warm]
        warm_credits = sum(sweep["credits"] for sweep in warm)
        dir_s = statistics.median(directory_seconds(runtime, client) for _ in range(3))
        print(
            f"  warm sweeps ({len(warm)}, every due level already fired): median {statistics.median(seconds):.2f}s, "
            f"max {max(seconds):.2f}s (CPU median {statistics.median(s['cpu_s'] for s in warm):.2f}s) over "
            f"{warm[-1]['tickets']} tickets ({1e6 * statistics.median(seconds) / max(warm[-1]['tickets'], 1):.0f} us "
            f"per ticket); API calls {warm_credits} in all (goal 0); levels newly due "
            f"{[s['escalations'] for s in warm]}; Redis commands {warm[-1]['redis_commands']} per sweep; of each "
            "sweep, "
            f"the directory (Redis read + open-ticket count over the mirror) takes ~{dir_s:.2f}s",
            flush=True,
        )

        runtime.redis.delete(key("directory", org))
        ttl = timed_sweep(runtime, rules, client, counter, sandbox, org)
        print(
            f"  sweep after the cached directory expired: {ttl['seconds']:.2f}s, {ttl['credits']} API calls "
            f"{ttl['calls']} "
            f"(once per directory_ttl_s = {settings.directory_ttl_s:g}s, even with nothing due)",
            flush=True,
        )

        writes = write_log(sandbox)[seq0:]
        if writes:
            print(f"  WARNING: {len(writes)} writes reached the Desk during phase 1", flush=True)
        return {
            "fill": fill,
            "first": first,
            "warm": warm,
            "ttl": ttl,
            "directory_s": dir_s,
            "writes": len(writes),
            "rules_version": rules.version,
            "directory_ttl_s": settings.directory_ttl_s,
        }
    finally:
        runtime.close()


def close_planned_actions(redis_server: RedisServer) -> int:
    """Phase 1's plans were never meant to run: close them in the ledger so the reconciler leaves them alone."""
    from worker.store import Store

    store = Store.connect(redis_server.client())
    ids = store.redis.zrange(key("actions", "pending"), 0, -1)
    for action_id in ids:
        store.ledger.finish(action_id, "failed", "bench_sla: planned by the cost phase, never executed")
    store.redis.close()
    return len(ids)


# phase 2: lateness ---------------------------------------------------------------------------------------------
def open_ticket(api: httpx.Client, contact_id: str, department_id: str, number: int) -> dict[str, Any]:
    answer = api.post(
        "/tickets",
        json={
            "subject": f"{SUBJECT_PREFIX} order {number} is stuck",
            "contactId": contact_id,
            "departmentId": department_id,
            "description": "Where is my order?",
            "channel": "Email",
        },
    )
    answer.raise_for_status()
    return answer.json()


def bench_comments(sandbox: SandboxProcess, ids: set[str], since: int) -> list[dict[str, Any]]:
    out = []
    for entry in write_log(sandbox, since):
        parts = entry["path"].rstrip("/").split("/")
        if entry["method"] == "POST" and parts[-1] == "comments" and parts[-2] in ids and entry["applied"]:
            text = (entry.get("body") or {}).get("content") or ""
            if text.startswith("SLA-BENCH "):
                out.append(
                    {"ticket": parts[-2], "level": text.split("<!--")[0].split()[1], "time": parse_iso(entry["time"])}
                )
    return out


def tick_to_swept(pipeline: BenchPipeline) -> list[float]:
    """Seconds from each sla tick's due time to the next `sla.swept` line (queue wait + sweep), once the worker has
    swept (ticks from before it was up are left out)."""
    swept = sorted(parse_iso(entry["timestamp"]) for entry in pipeline.log_events(pipeline.worker_logs(), "sla.swept"))
    ticks = sorted(
        due
        for entry in pipeline.log_events(pipeline.scheduler_logs(), "tick.fired")
        if entry.get("job") == "sla" and swept and (due := parse_iso(entry["due"])) >= swept[0]
    )
    out = []
    for tick in ticks:
        later = [moment for moment in swept if moment >= tick]
        if later:
            out.append((later[0] - tick).total_seconds())
    return out


def lateness(
    args: argparse.Namespace, root: Path, redis_server: RedisServer, sandbox: SandboxProcess, rng: random.Random
) -> dict[str, Any]:
    rules_dir = root / "rules"
    rules_dir.mkdir(exist_ok=True)
    (rules_dir / "00_bench_sla.yaml").write_text(FAST_POLICY)
    for name in ("sla_policies.yaml", "calendars.yaml"):
        shutil.copy(SHIPPED_RULES / name, rules_dir / name)
    rules = load_rules(rules_dir)  # fail here, not in a child process
    closed = close_planned_actions(redis_server)
    env = {**PHASE2_ENV, "DESKPILOT_SLA_SWEEP_INTERVAL_S": str(args.interval)}
    pipeline = BenchPipeline(
        root=root,
        rules="",
        tickets=args.tickets,
        poll_interval_s=args.poll_interval,
        workers=0,
        extra_env=env,
        redis_server=redis_server,
        sandbox=sandbox,
    )
    print(
        f"phase 2: lateness; policies {[policy.id for policy in rules.sla_policies]}, sweep interval "
        f"{args.interval:g}s, "
        f"poll interval {args.poll_interval:g}s; {closed} actions of phase 1 closed unexecuted",
        flush=True,
    )
    pipeline.token = sandbox.access_token()
    pipeline.restart_scheduler(args.poll_interval)
    pipeline.start_workers(1)
    try:
        swept = lambda: pipeline.log_events(pipeline.worker_logs(), "sla.swept")  # noqa: E731
        wait_until(lambda: len(swept()) >= 1, START_TIMEOUT_S, "the first sla sweep of the worker")
        seq = write_log(sandbox)[-1]["seq"] if write_log(sandbox) else 0
        created: dict[str, Any] = {}
        with pipeline.api() as api:
            contact_id = api.get("/contacts", params={"limit": 1}).json()["data"][0]["id"]
            department_id = api.get("/departments").json()["data"][0]["id"]
            gaps = [
                rng.uniform(0, 2 * args.spread / max(args.lateness_tickets, 1)) for _ in range(args.lateness_tickets)
            ]
            scale = args.spread / sum(gaps) if sum(gaps) > 0 else 0.0
            for number, gap in enumerate(gaps):
                time.sleep(gap * scale)
                ticket = open_ticket(api, contact_id, department_id, number)
                created[ticket["id"]] = parse_iso(ticket["createdTime"])
        ids = set(created)
        expected = len(ids) * len(LEVELS)
        deadline = max(LEVELS.values()) + args.interval + 60
        try:
            wait_until(
                lambda: len(bench_comments(sandbox, ids, seq)) >= expected, deadline, f"{expected} escalation comments"
            )
        except AssertionError as error:
            print(f"  WARNING: {error}", flush=True)
        time.sleep(args.interval + 1)  # a duplicate from the next sweep would show here
        comments = bench_comments(sandbox, ids, seq)
        samples = [
            (c["time"] - (created[c["ticket"]] + timedelta(seconds=LEVELS[c["level"]]))).total_seconds()
            for c in comments
        ]
        fired = Counter((c["ticket"], c["level"]) for c in comments)
        store = pipeline.store()
        audit = [entry for entry in store.audit.query() if entry["entry"] == "sla" and entry.get("ticket") in ids]
        audit_lateness = [float(entry["lateness_s"]) for entry in audit]
        # comment lateness = (sweep start - due, the audit's lateness_s) + (sweep start -> comment written)
        names = list(LEVELS)
        decided = {(entry["ticket"], names[int(entry["level"]) - 1]): float(entry["lateness_s"]) for entry in audit}
        after_start = [
            sample - decided[(c["ticket"], c["level"])]
            for c, sample in zip(comments, samples, strict=False)
            if (c["ticket"], c["level"]) in decided
        ]
        store.redis.close()
        ticks = tick_to_swept(pipeline)
        other_writes = [
            entry
            for entry in write_log(sandbox, seq)
            if not (entry["method"] == "POST" and entry["path"].endswith("/tickets"))
            and entry["path"].rstrip("/").split("/")[-2] not in ids
        ]
        return {
            "tickets": len(ids),
            "expected": expected,
            "comments": len(comments),
            "samples": samples,
            "duplicates": sum(count - 1 for count in fired.values() if count > 1),
            "early": sum(1 for s in samples if s < 0),
            "audit_lateness": audit_lateness,
            "after_start": after_start,
            "tick_to_swept": ticks,
            "other_writes": len(other_writes),
            "sweeps": len(swept()),
        }
    finally:
        pipeline.stop_scheduler()
        pipeline.stop_workers()


# main ----------------------------------------------------------------------------------------------------------
def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": math.nan, "p95": math.nan, "max": math.nan}
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.chdir(ROOT)  # the child processes run `python -m worker.cli`
    configure_logging("warning", "console")
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="bench-sla-"))
    (root / "redis").mkdir()
    redis_server = sandbox = None
    started = time.monotonic()
    try:
        redis_server = RedisServer(directory=root / "redis", appendonly=True).start()
        redis_server.client().config_set("appendfsync", args.appendfsync)
        seeding = time.monotonic()
        sandbox = SandboxProcess(orgs=1, tickets=args.tickets).start()
        print(
            f"sandbox: 1 org, {args.tickets} tickets seeded in {time.monotonic() - seeding:.1f}s; redis-server with "
            "AOF "
            f"(appendfsync {args.appendfsync})",
            flush=True,
        )
        cost = sweep_cost(args, redis_server, sandbox)
        late = lateness(args, root, redis_server, sandbox, rng)
    finally:
        if sandbox is not None:
            sandbox.stop()
        if redis_server is not None:
            redis_server.stop()
        if args.keep:
            print(f"kept {root}", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)

    stats = summary(late["samples"])
    goal = args.interval + LATENESS_SLACK_S
    audit = summary(late["audit_lateness"])
    ticks = summary(late["tick_to_swept"])
    print(
        f"  lateness of {late['comments']}/{late['expected']} escalation comments on {late['tickets']} tickets "
        f"(comment write - due): p50 {stats['p50']:.2f}s, p95 {stats['p95']:.2f}s, max {stats['max']:.2f}s; goal p95 < "
        f"interval + {LATENESS_SLACK_S:g}s = {goal:g}s: {'met' if stats['p95'] < goal else 'NOT met'}",
        flush=True,
    )
    after = summary(late["after_start"])
    print(
        "    = sweeper's own lateness_s (audit: the sweep's `now`, taken as it starts, - due): p50 "
        f"{audit['p50']:.2f}s, "
        f"p95 {audit['p95']:.2f}s, max {audit['max']:.2f}s over {len(late['audit_lateness'])} entries; + sweep start "
        "-> "
        f"comment written (scan up to the ticket, act queue, POST): p50 {after['p50']:.2f}s, p95 {after['p95']:.2f}s, "
        f"max {after['max']:.2f}s",
        flush=True,
    )
    print(
        "    sla tick due -> sla.swept line (queue wait + whole sweep, once the worker is up): p50 "
        f"{ticks['p50']:.2f}s, max {ticks['max']:.2f}s over "
        f"{len(late['tick_to_swept'])} sweeps",
        flush=True,
    )
    if late["duplicates"] or late["early"]:
        print(f"    WARNING: {late['duplicates']} duplicate and {late['early']} early escalation comments", flush=True)
    print(
        f"    other writes during phase 2 (levels of seeded tickets coming due meanwhile): {late['other_writes']}",
        flush=True,
    )
    total_s = time.monotonic() - started
    print(f"total {total_s:.0f}s", flush=True)

    fill, first, warm, ttl = cost["fill"], cost["first"], cost["warm"], cost["ttl"]
    warm_seconds = [sweep["seconds"] for sweep in warm]
    print(
        json.dumps(
            {
                "bench": "sla",
                "quick": args.quick,
                "tickets_seeded": args.tickets,
                "mirror_tickets": fill["mirror"],
                "mirror_closed": fill["mirror_closed"],
                "mirror_stale_closed": fill["mirror_stale_closed"],
                "open_tickets": fill["mirror"] - fill["mirror_closed"],
                "rules_version": cost["rules_version"],
                "backfill_s": round(fill["backfill_s"], 2),
                "backfill_credits": fill["backfill_credits"],
                "fill_per_poll": FILL_PER_POLL,
                "fill_polls": fill["fill_polls"],
                "fill_s": round(fill["fill_s"], 2),
                "fill_credits": fill["fill_credits"],
                "fill_calls": fill["fill_calls"],
                "fill_timelines": fill["timelines"],
                "fill_closed_with_timeline": fill["closed_with_timeline"],
                "fill_calls_per_timeline": round(fill["threads_per_timeline"], 3),
                "fill_calls_per_open_ticket": round(fill["threads_per_open"], 3),
                "first_sweep_s": round(first["seconds"], 3),
                "first_sweep_tickets": first["tickets"],
                "first_sweep_levels_fired": first["escalations"],
                "first_sweep_actions_recorded": first["actions_recorded"],
                "first_sweep_api_calls": first["credits"],
                "warm_sweeps": len(warm),
                "warm_sweep_s_median": round(statistics.median(warm_seconds), 3),
                "warm_sweep_s_max": round(max(warm_seconds), 3),
                "warm_sweep_cpu_s_median": round(statistics.median(sweep["cpu_s"] for sweep in warm), 3),
                "warm_sweep_tickets": warm[-1]["tickets"],
                "warm_sweep_us_per_ticket": round(
                    1e6 * statistics.median(warm_seconds) / max(warm[-1]["tickets"], 1), 1
                ),
                "warm_sweep_api_calls": sum(sweep["credits"] for sweep in warm),
                "warm_sweep_levels_fired": sum(sweep["escalations"] for sweep in warm),
                "warm_sweep_redis_commands": warm[-1]["redis_commands"],
                "sweep_directory_s": round(cost["directory_s"], 3),
                "ttl_sweep_api_calls": ttl["credits"],
                "directory_ttl_s": cost["directory_ttl_s"],
                "phase1_writes": cost["writes"],
                "sweep_interval_s": args.interval,
                "lateness_tickets": late["tickets"],
                "lateness_samples": len(late["samples"]),
                "lateness_expected": late["expected"],
                "lateness_p50_s": round(stats["p50"], 3),
                "lateness_p95_s": round(stats["p95"], 3),
                "lateness_max_s": round(stats["max"], 3),
                "lateness_goal_s": goal,
                "lateness_goal_met": bool(stats["p95"] < goal),
                "audit_lateness_p50_s": round(audit["p50"], 3),
                "audit_lateness_p95_s": round(audit["p95"], 3),
                "audit_lateness_max_s": round(audit["max"], 3),
                "after_start_p50_s": round(after["p50"], 3),
                "after_start_p95_s": round(after["p95"], 3),
                "tick_to_swept_p50_s": round(ticks["p50"], 3),
                "tick_to_swept_max_s": round(ticks["max"], 3),
                "duplicates": late["duplicates"],
                "early": late["early"],
                "appendfsync": args.appendfsync,
                "total_s": round(total_s, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
