"""An idle worker process looks for work at a modest pace (a real worker, a real redis-server) and stops promptly."""

from __future__ import annotations

import signal
import time

from tests.support.pipeline import Pipeline, wait_until
from tests.support.redis_server import RedisServer
from tests.support.sandbox import SandboxProcess
from worker.app.dispatch import HEARTBEAT_EVERY_S

RULES = (
    "rules:\n  - id: idle\n    on: ticket.updated\n    if: {field: priority, changed_to: High}\n"
    "    then: [{comment: {text: idle}}]\n"
)
QUEUES_WITH_DELAY_QUEUES = 10
# Fetches per idle consumer per second: dramatiq backs off to between half and all of the idle wake-up, so 1 s
# allows at most 2; the old 100 ms made 10 or more.
MAX_FETCHES_PER_CONSUMER_S = 3
SETTLE_S = 3  # a consumer's backoff grows from 5 ms to the idle wake-up over its first misses


def fetch_calls(redis_client) -> int:
    """A fetch is one EVALSHA of a Lua script per consumer look."""
    return int(redis_client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))


def heartbeats_written(redis_client, seconds: float) -> int:
    """The most heartbeats one broker wrote over `seconds`, seen as changes of its score (other ZADDs not counted)."""
    key = redis_client.keys("*__heartbeats__")[0]
    seen: dict[str, set[float]] = {}
    ended = time.monotonic() + seconds
    while time.monotonic() < ended:
        for broker_id, score in redis_client.zrange(key, 0, -1, withscores=True):
            seen.setdefault(broker_id, set()).add(score)
        time.sleep(0.05)
    return max(len(scores) for scores in seen.values()) - 1  # less the score the window started with


def test_an_idle_worker_fetches_at_most_a_few_times_a_second_per_queue(tmp_path):
    # given a worker process with nothing to do (no scheduler sends it work)
    (tmp_path / "redis").mkdir()
    deployment = Pipeline(root=tmp_path, rules=RULES)
    deployment.rules_dir.mkdir()
    (deployment.rules_dir / "rules.yaml").write_text(RULES)
    deployment.redis_server = RedisServer(directory=tmp_path / "redis").start()
    deployment.sandbox = SandboxProcess(orgs=1, tickets=5).start()
    try:
        worker = deployment.add_worker()
        redis_client = deployment.redis_server.client()
        wait_until(lambda: fetch_calls(redis_client) > 0, 30, "the worker's consumers to start")
        time.sleep(SETTLE_S)
        # when it idles for a few seconds
        before, started = fetch_calls(redis_client), time.monotonic()
        heartbeats = heartbeats_written(redis_client, 4)
        fetches, elapsed = fetch_calls(redis_client) - before, time.monotonic() - started
        # then each of its consumers looked for work only a few times a second
        assert fetches / elapsed / QUEUES_WITH_DELAY_QUEUES <= MAX_FETCHES_PER_CONSUMER_S
        # and its broker wrote its heartbeat about once per interval, not on every look (dispatch.py)
        assert heartbeats <= elapsed / HEARTBEAT_EVERY_S + 1
        # and SIGTERM still stops it cleanly
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        deployment.stop()
