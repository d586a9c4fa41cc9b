"""The operations console's page latency with 10,000 mirrored tickets and 100,000 audit entries (goal: < 200 ms).

    .venv/bin/python bench/bench_console.py [--tickets 10000] [--audit 100000] [--requests 20]

A real redis-server, the console served as the scheduler serves it (console_for) over real HTTP, an SLA policy
so the ticket view and the SLA board compute clocks. Prints, per page, the median and p95 of sequential requests
after the console has read the audit stream, how long that first read and an SLA snapshot took, and a JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.support import percentile  # noqa: E402
from tests.integration.console.conftest import ORG, settings_for, start  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402

RULES = """
rules:
  - id: high-priority-comment
    on: ticket.created
    if: {all: [{field: priority, equals: High}]}
    then:
      - comment: {public: false, text: "look"}
  - id: closed-note
    on: ticket.updated
    if: {all: [{field: status, changed_to: Closed}]}
    then:
      - comment: {public: false, text: "closed"}
sla_policies:
  - id: all-tickets
    if: {field: status, not_in: [Closed]}
    metrics:
      first_response:
        targets: {default: 8h}
        escalations:
          - {at: -1h, name: warning, then: [{comment: {text: "soon"}}]}
          - {at: 0, name: breach, then: [{update: {priority: High}}]}
"""
PAGES = ["/", "/rules", "/ticket?q={ticket}", "/ticket?q=%23{number}", "/sla", "/dead-letters", "/feed"]
BATCH = 2000


def seed(store, tickets: int, audit: int) -> None:
    now = datetime.now(timezone.utc)
    redis, key = store.redis, store.keys.key
    pipe = redis.pipeline(transaction=False)
    for index in range(tickets):
        ticket_id = str(100_000 + index)
        created = now - timedelta(minutes=random.randint(1, 600))
        snapshot = {
            "id": ticket_id,
            "ticketNumber": str(1000 + index),
            "subject": f"Ticket {index} " + "x" * 200,
            "status": "Open",
            "priority": random.choice(["High", "Medium", "Low"]),
            "createdTime": created.isoformat(),
            "modifiedTime": created.isoformat(),
            "departmentId": "1",
            "customFields": {f"cf_{n}": "value" for n in range(10)},
        }
        timeline = {"created": created.isoformat(), "customer_messages": [], "agent_responses": [], "statuses": []}
        pipe.hset(key("mirror", ORG), ticket_id, json.dumps(snapshot))
        pipe.hset(key("timeline", ORG), ticket_id, json.dumps(timeline))
        if index % BATCH == BATCH - 1:
            pipe.execute()
    pipe.execute()
    for index in range(audit):
        ticket_id = str(100_000 + (index // 2) % tickets)  # an evaluation and its action per event
        event = f"ev-{index // 2}"
        if index % 2 == 0:
            data = {
                "event": event,
                "event_kind": "ticket.created",
                "org": ORG,
                "ticket": ticket_id,
                "rule": "high-priority-comment",
                "verdict": {"status": "fired", "reason": "", "actions": []},
            }
            pipe.xadd(key("audit"), {"entry": "evaluation", "data": json.dumps(data)})
        else:
            data = {
                "action": f"ac-{index}",
                "rule": "high-priority-comment",
                "ticket": ticket_id,
                "org": ORG,
                "event": event,
                "type": "comment",
                "params": {"text": "look"},
                "outcome": "done",
                "detail": "",
            }
            pipe.xadd(key("audit"), {"entry": "action", "data": json.dumps(data)})
        if index % BATCH == BATCH - 1:
            pipe.execute()
    pipe.execute()
    for index in range(50):
        store.dead_letters.add(
            {
                "kind": "message",
                "message_id": f"m{index}",
                "actor": "poll",
                "args": [ORG],
                "kwargs": {},
                "error": ["NetworkError: down"],
            }
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--audit", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    random.seed(7)
    root = Path(tempfile.mkdtemp(prefix="bench-console-"))
    (root / "redis").mkdir()
    (root / "rules").mkdir()
    (root / "rules" / "rules.yaml").write_text(RULES)
    server = RedisServer(directory=root / "redis").start()
    try:
        settings = settings_for(server.url, root / "rules")
        import redis

        from worker.store import Store
        from worker.store.keys import Keys

        store = Store.connect(redis.Redis.from_url(server.url, decode_responses=True), keys=Keys())
        started = time.monotonic()
        seed(store, args.tickets, args.audit)
        print(f"seeded {args.tickets} tickets and {args.audit} audit entries in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        runtime, console = start(settings)
        return run(args, runtime, console, started)
    finally:
        server.stop()


def run(args, runtime, console, started: float) -> int:
    http = httpx.Client(base_url=console.url, timeout=30.0)
    try:
        wait = time.monotonic() + 120
        while not console.digest_caught_up() and time.monotonic() < wait:
            time.sleep(0.05)
        caught_up_s = time.monotonic() - started
        while console.snapshot_seconds() is None and time.monotonic() < wait:
            time.sleep(0.05)
        print(
            f"console read the audit stream in {caught_up_s:.2f} s; an SLA snapshot takes "
            f"{console.snapshot_seconds()} s ({console.forecast_rows()} forecast rows)"
        )
        results = {}
        for template in PAGES:
            pick = random.randrange(args.tickets)
            path = template.format(ticket=100_000 + pick, number=1000 + pick)
            timings = []
            for _ in range(args.requests):
                began = time.perf_counter()
                response = http.get(path)
                timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            if "ticket" in path:
                assert "Ticket " + str(pick) in response.text and "fired" in response.text, path
            name = template.split("?")[0] + ("#" if "%23" in template else "")
            results[name] = {
                "p50_ms": round(percentile(timings, 0.5), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
            }
            print(f"  {name:<16} p50 {results[name]['p50_ms']:>7.1f} ms   p95 {results[name]['p95_ms']:>7.1f} ms")
        worst = max(result["p95_ms"] for result in results.values())
        print(f"slowest page p95 {worst:.1f} ms (goal < 200 ms)")
        print(
            json.dumps(
                {
                    "bench": "console",
                    "tickets": args.tickets,
                    "audit": args.audit,
                    "digest_s": round(caught_up_s, 2),
                    "snapshot_s": console.snapshot_seconds(),
                    "pages": results,
                    "worst_p95_ms": worst,
                }
            )
        )
        return 0
    finally:
        http.close()
        console.stop()
        runtime.close()


if __name__ == "__main__":
    raise SystemExit(main())
