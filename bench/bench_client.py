"""Benchmark of the Desk client against the sandbox: calls per second, and the client's own overhead per call.

    .venv/bin/python bench/bench_client.py [--calls 2000] [--threads 8] [--concurrency 15]

Starts its own redis-server and sandbox (127.0.0.1, free ports) unless --api-root/--redis-url are given.
Overhead = the time a call spends in the client outside the HTTP round trip (token lookup, the shared budget's two
Redis scripts, building the request, parsing the answer into a model), measured on sequential calls.
Prints human lines, then one JSON line: {"bench": "client", "calls_per_s": ..., "overhead_ms_per_call": ...}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.logging import configure_logging  # noqa: E402
from config.settings import Settings  # noqa: E402
from worker.app.desk_config import desk_config  # noqa: E402
from worker.desk.client import DeskClient  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per phase (default 2000)")
    parser.add_argument("--threads", type=int, default=8, help="threads in the concurrent phase (default 8)")
    parser.add_argument("--concurrency", type=int, default=15, help="the org's concurrency limit (default 15)")
    parser.add_argument("--latency-ms", type=int, default=50, help="the Desk's latency in the last phase (default 50)")
    return parser.parse_args(argv)


def run_sequential(client: DeskClient, ticket_id: str, calls: int) -> dict[str, float]:
    stats = client.transport.stats
    http_before, total_before = stats.http_s, stats.total_s
    walls = []
    started = time.perf_counter()
    for _ in range(calls):
        t0 = time.perf_counter()
        client.tickets.get(ticket_id)
        walls.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    http_s = stats.http_s - http_before
    in_transport_s = stats.total_s - total_before
    return {
        "calls_per_s": calls / elapsed,
        "overhead_ms": (sum(walls) - http_s) / calls * 1000,
        "transport_overhead_ms": (in_transport_s - http_s) / calls * 1000,
        "http_ms": http_s / calls * 1000,
        "p50_ms": statistics.median(walls) * 1000,
        "p99_ms": sorted(walls)[int(len(walls) * 0.99) - 1] * 1000,
    }


def run_concurrent(client: DeskClient, ticket_id: str, calls: int, threads: int) -> float:
    per_thread = calls // threads
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(per_thread):
                client.tickets.get(ticket_id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return per_thread * threads / elapsed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(level="warning", fmt="json")
    from tests.support.redis_server import RedisServer
    from tests.support.sandbox import SandboxProcess

    redis_server = RedisServer(directory=Path(tempfile.mkdtemp(prefix="bench-redis-"))).start()
    sandbox = SandboxProcess(orgs=1, tickets=50).start()
    try:
        sandbox.control.post("/_sandbox/config", json={"concurrencyLimit": args.concurrency})
        settings = Settings(
            api_root=sandbox.api_root,
            accounts_url=sandbox.accounts_url,
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
            refresh_token=sandbox.refresh_token,
            org_ids=sandbox.org_ids,
            redis_url=redis_server.url,
            desk_max_concurrency=args.concurrency,
            _env_file=None,
        )
        client = DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0])
        ticket_id = client.tickets.list(limit=1)[0].id
        for _ in range(50):  # warm up: token, connections, scripts
            client.tickets.get(ticket_id)

        sequential = run_sequential(client, ticket_id, args.calls)
        concurrent = run_concurrent(client, ticket_id, args.calls, args.threads)
        observed = sandbox.control.get("/_sandbox/concurrency").json()["max"]
        # With a Desk-like latency the budget's leases are what bounds concurrency.
        sandbox.control.post("/_sandbox/faults", json={"latencyMs": args.latency_ms})
        sandbox.control.post("/_sandbox/concurrency/reset")
        slow_calls = max(args.threads * 10, args.calls // 5)
        slow = run_concurrent(client, ticket_id, slow_calls, args.threads * 4)
        slow_observed = sandbox.control.get("/_sandbox/concurrency").json()["max"]
        client.close()
    finally:
        sandbox.stop()
        redis_server.stop()

    print(f"sandbox + redis-server on 127.0.0.1; GET /tickets/{{id}} parsed into a Ticket; {args.calls} calls/phase")
    print(
        f"sequential: {sequential['calls_per_s']:.0f} calls/s, p50 {sequential['p50_ms']:.2f} ms, "
        f"p99 {sequential['p99_ms']:.2f} ms, HTTP round trip {sequential['http_ms']:.2f} ms/call"
    )
    print(
        f"client overhead: {sequential['overhead_ms']:.3f} ms/call outside the HTTP round trip "
        f"({sequential['transport_overhead_ms']:.3f} ms in the transport: token, budget scripts, retry bookkeeping;"
        f" the rest is parsing the model)"
    )
    print(
        f"concurrent ({args.threads} threads, limit {args.concurrency}): {concurrent:.0f} calls/s, "
        f"sandbox saw at most {observed} in flight"
    )
    print(
        f"with {args.latency_ms} ms Desk latency ({args.threads * 4} threads, limit {args.concurrency}): "
        f"{slow:.0f} calls/s, sandbox saw at most {slow_observed} in flight"
    )
    print(
        json.dumps(
            {
                "bench": "client",
                "calls_per_s": round(concurrent, 1),
                "sequential_calls_per_s": round(sequential["calls_per_s"], 1),
                "overhead_ms_per_call": round(sequential["overhead_ms"], 3),
                "http_ms_per_call": round(sequential["http_ms"], 3),
                "threads": args.threads,
                "max_in_flight": observed,
                "latency_ms": args.latency_ms,
                "latency_calls_per_s": round(slow, 1),
                "latency_max_in_flight": slow_observed,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
