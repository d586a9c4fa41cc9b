"""What an idle deskpilot worker costs: Redis commands per second and the worker's CPU share, and how quickly it
stops on SIGTERM.

    .venv/bin/python bench/bench_idle.py [--seconds 20]

Starts a real redis-server, the sandbox Desk and one `deskpilot worker` process (no scheduler, so nothing is
sent to it), waits for it to settle, then measures over `--seconds`: Redis's total_commands_processed delta
(less the bench's own INFO calls), the top commands from INFO commandstats, and the worker's CPU time from
/proc/<pid>/stat. Prints a few lines and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.pipeline import Pipeline, wait_until  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.sandbox import SandboxProcess  # noqa: E402

RULES = """
rules:
  - id: idle
    on: ticket.updated
    if: {all: [{field: priority, changed_to: High}]}
    then: [{comment: {public: false, text: "idle bench"}}]
"""
SETTLE_S = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (and its reaped children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def command_calls(redis_client) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in redis_client.info("commandstats").items()}


def measure(seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "redis").mkdir()
        deployment = Pipeline(root=root, rules=RULES)
        deployment.rules_dir.mkdir(parents=True)
        (deployment.rules_dir / "rules.yaml").write_text(RULES)
        deployment.redis_server = RedisServer(directory=root / "redis").start()
        deployment.sandbox = SandboxProcess(orgs=1, tickets=5).start()
        try:
            worker = deployment.add_worker()
            log = root / "worker-0.log"
            redis_client = deployment.redis_server.client()
            wait_until(
                lambda: "service.started" in log.read_text() or worker.poll() is not None, 30, "the worker to start"
            )
            time.sleep(SETTLE_S)
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited:\n{log.read_text()[-2000:]}")
            before_calls, before_cpu, started = command_calls(redis_client), cpu_seconds(worker.pid), time.monotonic()
            time.sleep(seconds)
            after_calls, after_cpu, elapsed = (
                command_calls(redis_client),
                cpu_seconds(worker.pid),
                time.monotonic() - started,
            )
            stop_started = time.monotonic()
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
            stop_s = time.monotonic() - stop_started
        finally:
            deployment.stop()
    deltas = {name: after_calls.get(name, 0) - before_calls.get(name, 0) for name in after_calls}
    deltas["info"] = deltas.get("info", 0) - 1  # the bench's own INFO commandstats
    total = sum(deltas.values())
    top = dict(sorted(((name, count) for name, count in deltas.items() if count > 0), key=lambda item: -item[1])[:6])
    return {
        "bench": "idle_worker",
        "seconds": round(elapsed, 1),
        "redis_commands_per_s": round(total / elapsed, 1),
        "top_commands_per_s": {name: round(count / elapsed, 1) for name, count in top.items()},
        "worker_cpu_percent": round(100 * (after_cpu - before_cpu) / elapsed, 2),
        "sigterm_stop_s": round(stop_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to measure the idle worker")
    args = parser.parse_args(argv)
    result = measure(args.seconds)
    print(
        f"idle worker over {result['seconds']} s: {result['redis_commands_per_s']} Redis commands/s, "
        f"{result['worker_cpu_percent']}% of a core; SIGTERM to exit: {result['sigterm_stop_s']} s"
    )
    print("top commands/s: " + ", ".join(f"{name} {rate}" for name, rate in result["top_commands_per_s"].items()))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
