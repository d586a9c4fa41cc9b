"""Benchmark of the sandbox itself: GET /api/v1/tickets/{id} per second with the server on one core (goal >= 1,000).

    .venv/bin/python bench/bench_sandbox.py [--duration 10] [--requests 20000] [--connections 8]
                                            [--client raw|httpx] [--profile]

Starts `python -m sandbox` (127.0.0.1, a free port) pinned to one core (--server-cpu, default 0) and drives it from
this process pinned to another (--client-cpu, default 1): --connections keep-alive connections, each sending one
request at a time, for --duration seconds or --requests requests, whichever comes first. Every request is a valid
one (a token minted with the printed credentials, the org's id, a random seeded ticket id); the org's concurrency
limit and daily credits are raised first (POST /_sandbox/config) so that the limits refuse nothing.

Clients: `raw` (default) speaks HTTP/1.1 over asyncio streams (uvloop when installed): a few microseconds of client
work per request, so the server is what is measured. `httpx` uses httpx.AsyncClient, as the project's code would:
about 10x the client work per request, so on one client core it saturates before the server does.
--profile runs the server under cProfile and prints where its time went (the profiler itself slows it down).

Prints human lines, then one JSON line: {"bench": "sandbox", "requests_per_s": ..., "p50_ms": ..., ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
GOAL_REQUESTS_PER_S = 1000
START_TIMEOUT_S = 60.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load at most (default 10)")
    parser.add_argument("--requests", type=int, default=20000, help="requests at most (default 20000)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw", help="load generator (default raw)")
    parser.add_argument("--tickets", type=int, default=200, help="seeded tickets in the org (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="sandbox seed, and of the ticket id picks (default 1)")
    parser.add_argument("--server-cpu", type=int, default=0, help="core the sandbox is pinned to (default 0)")
    parser.add_argument("--client-cpu", type=int, default=1, help="core this load generator runs on (default 1)")
    parser.add_argument("--warmup", type=int, default=500, help="requests before measuring (default 500)")
    parser.add_argument("--profile", action="store_true", help="run the server under cProfile and print its top")
    parser.add_argument("--profile-top", type=int, default=25, help="functions to print with --profile")
    return parser.parse_args(argv)


# the sandbox ---------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    info: dict[str, Any]
    control_token: str
    profile_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """SIGINT: uvicorn shuts down cleanly, so a cProfile run writes its stats."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(args: argparse.Namespace) -> Server:
    port = free_port()
    profile_path = Path(tempfile.mkdtemp(prefix="bench-sandbox-")) / "server.prof" if args.profile else None
    profiler = ["-m", "cProfile", "-o", str(profile_path)] if profile_path else []
    command = [
        sys.executable,
        *profiler,
        "-m",
        "sandbox",
        "--port",
        str(port),
        "--seed",
        str(args.seed),
        "--orgs",
        "1",
        "--tickets",
        str(args.tickets),
    ]
    cpu = args.server_cpu
    control_token = secrets.token_urlsafe(16)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "SANDBOX_CONTROL_TOKEN": control_token},
        preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"sandbox exited: {process.stderr.read().decode()[-2000:]}")
        try:
            info = httpx.get(
                f"http://127.0.0.1:{port}/_sandbox/info", headers={"X-Sandbox-Token": control_token}, timeout=2
            ).json()
            return Server(port, process, info, control_token, profile_path)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("sandbox did not start in time") from None
            time.sleep(0.05)


def prepare(server: Server, seed: int) -> tuple[str, str, list[str]]:
    """(token, org id, seeded ticket ids), with the org's limits raised out of the way."""
    with httpx.Client(
        base_url=server.base_url, timeout=10, headers={"X-Sandbox-Token": server.control_token}
    ) as control:
        config = control.post("/_sandbox/config", json={"concurrencyLimit": 1000, "dailyCredits": 100_000_000})
        assert config.status_code == 200, config.text
        info = server.info
        token = control.post(
            "/oauth/v2/token",
            params={
                "grant_type": "refresh_token",
                "client_id": info["clientId"],
                "client_secret": info["clientSecret"],
                "refresh_token": info["refreshToken"],
            },
        ).json()["access_token"]
        org_id = info["orgIds"][0]
        headers = {"Authorization": f"Zoho-oauthtoken {token}", "orgId": org_id}
        ids: list[str] = []
        while True:
            page = control.get("/api/v1/tickets", params={"from": len(ids), "limit": 100}, headers=headers)
            if page.status_code == 204:
                break
            assert page.status_code == 200, page.text
            ids += [ticket["id"] for ticket in page.json()["data"]]
            if len(page.json()["data"]) < 100:
                break
    assert ids, "the sandbox has no tickets"
    random.Random(seed).shuffle(ids)
    return token, org_id, ids


# load generators -----------------------------------------------------------------------------------------------
@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0

    def add(self, status: int, seconds: float) -> None:
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def errors(self) -> int:
        return self.transport_errors + sum(count for status, count in self.statuses.items() if status != 200)


@dataclass
class Plan:
    port: int
    token: str
    org_id: str
    ticket_ids: list[str]
    seed: int
    budget: int
    deadline: float = 0.0
    issued: int = 0

    def next_id(self, rng: random.Random) -> str | None:
        """The next request's ticket id, or None once the request budget or the time is spent."""
        if self.issued >= self.budget or time.perf_counter() >= self.deadline:
            return None
        self.issued += 1
        return rng.choice(self.ticket_ids)


async def _raw_connection(plan: Plan, tally: Tally, rng: random.Random) -> None:
    """One keep-alive connection speaking HTTP/1.1 itself: a request, its answer (Content-Length), the next."""
    reader, writer = await asyncio.open_connection("127.0.0.1", plan.port)
    head = (
        f"Host: 127.0.0.1:{plan.port}\r\nAuthorization: Zoho-oauthtoken {plan.token}\r\n"
        f"orgId: {plan.org_id}\r\nAccept: application/json\r\n\r\n"
    ).encode()
    try:
        while (ticket_id := plan.next_id(rng)) is not None:
            started = time.perf_counter()
            writer.write(b"GET /api/v1/tickets/" + ticket_id.encode() + b" HTTP/1.1\r\n" + head)
            status_line = await reader.readuntil(b"\r\n")
            length = 0
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            tally.add(int(status_line.split(b" ", 2)[1]), time.perf_counter() - started)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        tally.transport_errors += 1
    finally:
        writer.close()


async def _httpx_connection(client: httpx.AsyncClient, plan: Plan, tally: Tally, rng: random.Random) -> None:
    while (ticket_id := plan.next_id(rng)) is not None:
        started = time.perf_counter()
        try:
            answer = await client.get(f"/api/v1/tickets/{ticket_id}")
            tally.add(answer.status_code, time.perf_counter() - started)
        except httpx.TransportError:
            tally.transport_errors += 1


async def drive(plan: Plan, connections: int, client_kind: str, duration: float) -> tuple[Tally, float]:
    tally = Tally()
    rngs = [random.Random(f"{plan.seed}:{number}") for number in range(connections)]
    plan.deadline = time.perf_counter() + duration
    started = time.perf_counter()
    if client_kind == "raw":
        await asyncio.gather(*(_raw_connection(plan, tally, rng) for rng in rngs))
    else:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        headers = {"Authorization": f"Zoho-oauthtoken {plan.token}", "orgId": plan.org_id}
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{plan.port}", headers=headers, limits=limits, timeout=30
        ) as client:
            await asyncio.gather(*(_httpx_connection(client, plan, tally, rng) for rng in rngs))
    return tally, time.perf_counter() - started


def run_load(plan: Plan, connections: int, client_kind: str, duration: float) -> tuple[Tally, float]:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(drive(plan, connections, client_kind, duration))
    return uvloop.run(drive(plan, connections, client_kind, duration))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))] if ordered else 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_profile(path: Path, top: int) -> list[dict[str, Any]]:
    stats = pstats.Stats(str(path))
    print(f"\nserver profile (cProfile, {path}): top {top} by own time")
    stats.sort_stats("tottime").print_stats(top)
    print(f"top {top} by cumulative time")
    stats.sort_stats("cumulative").print_stats(top)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:10]  # type: ignore[attr-defined]
    return [
        {"function": f"{file}:{line}({name})", "tottime_s": round(values[2], 3)} for (file, line, name), values in rows
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cores = os.cpu_count() or 1
    if cores < 2 or args.server_cpu == args.client_cpu:
        print(f"warning: {cores} core(s); server and client share core {args.client_cpu}", file=sys.stderr)
    server = start_server(args)
    try:
        os.sched_setaffinity(0, {args.client_cpu})
        token, org_id, ticket_ids = prepare(server, args.seed)
        warm = Plan(server.port, token, org_id, ticket_ids, args.seed, budget=args.warmup)
        run_load(warm, args.connections, args.client, duration=60)
        plan = Plan(server.port, token, org_id, ticket_ids, args.seed + 1, budget=args.requests)
        server_cpu_before, client_cpu_before = cpu_seconds(server.process.pid), time.process_time()
        tally, elapsed = run_load(plan, args.connections, args.client, args.duration)
        server_cpu = cpu_seconds(server.process.pid) - server_cpu_before
        client_cpu = time.process_time() - client_cpu_before
    finally:
        server.stop()

    done = len(tally.latencies)
    rate = done / elapsed if elapsed else 0.0
    p50, p99 = percentile(tally.latencies, 0.50) * 1000, percentile(tally.latencies, 0.99) * 1000
    print(
        f"sandbox on core {args.server_cpu} ({args.tickets} tickets, 1 org), {args.client} client on core "
        f"{args.client_cpu}, {args.connections} keep-alive connections, GET /api/v1/tickets/{{id}} "
        f"(random of {len(ticket_ids)} ids){' under cProfile' if args.profile else ''}"
    )
    print(
        f"{done} requests in {elapsed:.2f} s: {rate:.0f} requests/s "
        f"(goal >= {GOAL_REQUESTS_PER_S}: {'met' if rate >= GOAL_REQUESTS_PER_S else 'NOT met'})"
    )
    print(
        f"latency p50 {p50:.2f} ms, p99 {p99:.2f} ms; errors {tally.errors} "
        f"(statuses {dict(sorted(tally.statuses.items()))}, transport errors {tally.transport_errors})"
    )
    print(
        f"CPU during the load: server {server_cpu:.2f} s ({server_cpu / elapsed:.0%} of its core), "
        f"client {client_cpu:.2f} s ({client_cpu / elapsed:.0%} of its core)"
    )
    per_request_ms = server_cpu / done * 1000 if done else 0.0
    capacity = done / server_cpu if server_cpu else 0.0
    print(
        f"server CPU per request {per_request_ms:.3f} ms: {capacity:.0f} requests per second of server CPU "
        f"(what one whole core would serve)"
    )
    if server_cpu / elapsed < 0.9:
        print(
            "note: the server's core was not saturated (the load generator, the connection count, or other "
            "processes on the machine bound the wall-clock figure); the per-CPU-second figure is the capacity"
        )
    hot = print_profile(server.profile_path, args.profile_top) if server.profile_path else []
    result = {
        "bench": "sandbox",
        "requests_per_s": round(rate, 1),
        "requests": done,
        "seconds": round(elapsed, 3),
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "errors": tally.errors,
        "connections": args.connections,
        "client": args.client,
        "server_cpu_ms_per_request": round(per_request_ms, 4),
        "requests_per_server_cpu_s": round(capacity, 1),
        "server_cpu_share": round(server_cpu / elapsed, 3) if elapsed else 0.0,
        "client_cpu_share": round(client_cpu / elapsed, 3) if elapsed else 0.0,
        "goal_met": rate >= GOAL_REQUESTS_PER_S,
        "profiled": args.profile,
    }
    if hot:
        result["server_hot_functions"] = hot
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
