"""One Redis TIME per step (an actor message): server_ms inside a step_clock is that reading moved on by the local
monotonic clock (real redis-server)."""

from __future__ import annotations

import time

from worker.store.keys import server_ms, server_now, step_clock


def time_calls(client) -> int:
    return int(client.info("commandstats").get("cmdstat_time", {}).get("calls", 0))


def test_a_step_reads_time_once_and_its_clock_still_moves(redis_server):
    client = redis_server.client()
    before = time_calls(client)
    with step_clock(client):
        first = server_ms(client)
        time.sleep(0.05)
        later = server_ms(client)
        with step_clock(client):  # a step inside a step keeps the outer reading
            inner = server_ms(client)
        now = server_now(client)
    assert time_calls(client) - before == 1
    assert 45 <= later - first <= 1000 and inner >= later
    assert abs(int(now.timestamp() * 1000) - inner) < 1000


def test_the_step_clock_follows_redis_time(redis_server):
    client = redis_server.client()
    with step_clock(client):
        time.sleep(0.02)
        stepped = server_ms(client)
    fresh = server_ms(client)  # outside a step: a TIME of its own
    assert 0 <= fresh - stepped < 200
