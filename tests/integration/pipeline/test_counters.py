"""Counters added up in the process and written in batches (real redis-server): every process's deltas count,
a message's increments are written at its end when due, the rest by the timer at most an interval late."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from dramatiq.brokers.stub import StubBroker

from config.settings import Settings
from worker.app.actors import _Work, declare_actors
from worker.app.runtime import Runtime
from worker.store.counters import Counters
from worker.store.keys import Keys

ROOT = Path(__file__).resolve().parents[3]


def stored(redis, field: str) -> float:
    """What Redis holds, without flushing anything."""
    return float(redis.hget(Keys().key("counters"), field) or 0)


def test_two_processes_deltas_are_both_counted(redis_server):
    client = redis_server.client()
    here = Counters(client, Keys(), flush_interval_s=60)
    here.incr("events_total", "ticket.updated", amount=2)
    # another process counts the same figure and exits (its deltas are written at exit)
    script = (
        "import redis; from worker.store.counters import Counters; from worker.store.keys import Keys;"
        f"c = Counters(redis.Redis.from_url({redis_server.url!r}, decode_responses=True), Keys(), flush_interval_s=60);"
        "[c.incr('events_total', 'ticket.updated') for _ in range(3)]"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=30)
    assert stored(client, "events_total|ticket.updated") == 3
    # reading the counters writes this process's own deltas first
    assert here.counters()[("events_total", "ticket.updated")] == 5


def test_a_new_figure_is_written_at_the_end_of_the_message_and_later_ones_when_due(redis_server):
    client = redis_server.client()
    counters = Counters(client, Keys(), flush_interval_s=0.3)
    counters.incr("actions_total", "comment", "done")
    counters.flush_if_due()  # a figure new to this process: written at once
    assert stored(client, "actions_total|comment|done") == 1
    counters.incr("actions_total", "comment", "done")
    counters.flush_if_due()  # within the interval: kept
    assert stored(client, "actions_total|comment|done") == 1
    deadline = time.monotonic() + 5
    while stored(client, "actions_total|comment|done") < 2 and time.monotonic() < deadline:
        time.sleep(0.02)  # the timer writes it
    assert stored(client, "actions_total|comment|done") == 2


def test_an_actor_message_writes_its_counts_when_it_ends(redis_server, tmp_path):
    runtime = Runtime.from_settings(
        Settings(redis_url=redis_server.url, rules_path=tmp_path, allow_empty_rules=True, _env_file=None)
    )
    broker = StubBroker()
    try:
        actors = declare_actors(broker, runtime)
        assert all(hasattr(actor.fn, "__wrapped__") for actor in actors.by_name().values())  # each is counted
        runtime.store.metrics.flush_interval_s = 60  # no timer within the test: only the message's end writes

        def work() -> None:
            runtime.store.metrics.incr("reconciles_total")

        _Work(runtime).counted(work)()
        assert stored(runtime.redis, "reconciles_total") == 1
    finally:
        broker.close()
        runtime.close()
