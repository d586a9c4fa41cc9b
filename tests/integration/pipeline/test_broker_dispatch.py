"""deskpilot's fetch and ack (dispatch.py) cost a fixed few Redis commands and keep dramatiq's semantics: a dead
broker's messages are requeued by dramatiq's maintenance, heartbeats stay fresh, and a broker on dramatiq's own
script shares the queues (a real redis-server throughout)."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.common import current_millis

from worker.app.dispatch import HeartbeatThrottle, LeanRedisBroker
from worker.app.wake import WakingRedisBroker

NAMESPACE = "t:dramatiq"
NEVER_AGAIN_S = 3600.0  # a heartbeat interval no test outlasts: only the first call writes one


def declare(broker: RedisBroker, handled: list[str] | None = None) -> RedisBroker:
    def record(tag: str) -> None:
        if handled is not None:
            handled.append(tag)

    dramatiq.actor(record, actor_name="record", queue_name="q", broker=broker)
    return broker


def lean(url: str, **kwargs: Any) -> LeanRedisBroker:
    kwargs.setdefault("maintenance_chance", 0)
    broker = LeanRedisBroker(url=url, namespace=NAMESPACE, **kwargs)
    declare(broker)
    return broker


def commands(client) -> int:
    """Commands Redis ran so far (this INFO is counted only once it has run)."""
    return int(client.info("stats")["total_commands_processed"])


def calls(client, name: str) -> int:
    return int(client.info("commandstats").get(f"cmdstat_{name}", {}).get("calls", 0))


def commands_of(client, action) -> tuple[int, Any]:
    before = commands(client)
    result = action()
    return commands(client) - before - 1, result  # less the first INFO


def test_a_fetch_of_k_messages_costs_four_commands_and_an_ack_three(redis_server) -> None:
    broker = lean(redis_server.url, heartbeat_every_s=NEVER_AGAIN_S)
    client = broker.client
    consumer = broker.consume("q", prefetch=5, timeout=10)
    broker.do_fetch("q", 5)  # the first call writes the heartbeat and loads the script
    broker.do_ack("q", "unknown")
    for index in range(5):
        broker.get_actor("record").send(f"m{index}")

    fetch_cost, fetched = commands_of(client, lambda: broker.do_fetch("q", 5))

    assert fetch_cost == 4, "EVALSHA, LPOP with a count, one SADD, HMGET (dramatiq's script: 3 + 2k = 13)"
    assert len(fetched) == 5 and all(fetched)
    consumer.message_cache = fetched
    for _ in range(5):
        message = next(consumer)
        ack_cost, _ = commands_of(client, lambda message=message: consumer.ack(message))
        assert ack_cost == 3, "EVALSHA, SREM, HDEL"
    assert client.hlen(f"{NAMESPACE}:q.msgs") == 0
    assert not client.exists(f"{NAMESPACE}:__acks__.{broker.broker_id}.q")
    empty_cost, empty = commands_of(client, lambda: broker.do_fetch("q", 5))
    assert (empty_cost, empty) == (2, []), "an empty queue: EVALSHA and LPOP (nil), nothing else"
    broker.close()


def test_messages_handled_by_a_worker_are_acked_and_gone_delayed_ones_included(redis_server) -> None:
    handled: list[str] = []
    broker = WakingRedisBroker(url=redis_server.url, namespace=NAMESPACE)
    declare(broker, handled)
    worker = dramatiq.Worker(broker, worker_timeout=50, worker_threads=4)
    worker.start()
    try:
        for index in range(40):
            broker.get_actor("record").send(f"m{index}")
        broker.get_actor("record").send_with_options(args=("delayed",), delay=200)
        broker.join("q", timeout=15_000)
        worker.join()
    finally:
        worker.stop()
    assert sorted(handled) == sorted([f"m{index}" for index in range(40)] + ["delayed"])
    assert broker.client.keys(f"{NAMESPACE}:__acks__*") == []
    assert broker.client.hlen(f"{NAMESPACE}:q.msgs") == broker.client.hlen(f"{NAMESPACE}:q.DQ.msgs") == 0
    broker.close()


def test_a_fetch_takes_no_more_than_dramatiqs_unpack_bound(redis_server, monkeypatch) -> None:
    broker = lean(redis_server.url)
    monkeypatch.setattr(broker, "_max_unpack_size", lambda: 2)  # Lua's stack bound, as dramatiq discovers it
    for index in range(5):
        broker.get_actor("record").send(f"m{index}")

    assert len(broker.do_fetch("q", 5)) == 2
    assert broker.client.llen(f"{NAMESPACE}:q") == 3
    broker.close()


@pytest.mark.parametrize("survivor_class", [LeanRedisBroker, RedisBroker])
def test_a_dead_brokers_fetched_messages_are_requeued_by_dramatiqs_maintenance(redis_server, survivor_class) -> None:
    dead = lean(redis_server.url)
    for index in range(3):
        dead.get_actor("record").send(f"m{index}")
    taken = dead.do_fetch("q", 10)
    assert len(taken) == 3 and dead.client.llen(f"{NAMESPACE}:q") == 0
    survivor = survivor_class(
        url=redis_server.url, namespace=NAMESPACE, maintenance_chance=MAINTENANCE_SCALE, heartbeat_timeout=100
    )
    time.sleep(0.3)  # the dead broker's heartbeat is now older than the survivor's timeout

    requeued = survivor.do_fetch("q", 10)

    assert sorted(requeued) == sorted(taken)
    assert not survivor.client.exists(f"{NAMESPACE}:__acks__.{dead.broker_id}.q")
    assert survivor.client.zscore(f"{NAMESPACE}:__heartbeats__", dead.broker_id) is None
    dead.close()
    survivor.close()


def test_a_lean_broker_runs_maintenance_when_dramatiq_would(redis_server) -> None:
    dead = lean(redis_server.url)
    dead.get_actor("record").send("m")
    taken = dead.do_fetch("q", 1)
    survivor = lean(redis_server.url, heartbeat_timeout=100)
    time.sleep(0.3)
    assert survivor.do_fetch("q", 1) == [], "no maintenance roll: the message stays with the dead broker"
    survivor.maintenance_chance = MAINTENANCE_SCALE

    assert survivor.do_fetch("q", 1) == taken
    dead.close()
    survivor.close()


def test_heartbeats_are_written_once_per_interval_while_fetching(redis_server) -> None:
    every_ms = 500
    broker = lean(redis_server.url, heartbeat_every_s=every_ms / 1000)
    key = f"{NAMESPACE}:__heartbeats__"
    zadds_before = calls(broker.client, "zadd")
    written: list[float] = []
    fetched_at: list[int] = []
    while not fetched_at or fetched_at[-1] - fetched_at[0] < 2_700:
        fetched_at.append(current_millis())
        broker.do_fetch("q", 1)
        score = broker.client.zscore(key, broker.broker_id)
        if not written or score != written[-1]:
            assert fetched_at[-1] <= score <= current_millis(), "the timestamp dramatiq would write, at the call"
            written.append(score)
        time.sleep(0.02)

    assert len(written) == calls(broker.client, "zadd") - zadds_before, "one ZADD per heartbeat seen"
    longest_pause = max(later - earlier for earlier, later in pairwise(fetched_at))
    for gap in (later - earlier for earlier, later in pairwise(written)):
        assert gap >= every_ms - 2, "no more than one per interval (ms clock rounding aside)"
        assert gap <= every_ms + longest_pause + 2, "the first fetch after the interval writes one"
    assert len(written) >= 4
    broker.close()


def test_a_call_by_dramatiqs_script_counts_as_a_heartbeat_and_a_failed_one_does_not(redis_server) -> None:
    broker = lean(redis_server.url, heartbeat_every_s=NEVER_AGAIN_S)
    broker.get_actor("record").send("m")  # dramatiq's enqueue writes one
    zadds = calls(broker.client, "zadd")
    broker.do_fetch("q", 1)
    assert calls(broker.client, "zadd") == zadds, "no second heartbeat within the interval"

    throttle = HeartbeatThrottle(NEVER_AGAIN_S)
    assert throttle.claim() and not throttle.claim()
    throttle.missed()
    assert throttle.claim(), "the call that claimed it failed: the next call writes it"
    broker.close()


def test_a_short_heartbeat_timeout_shortens_the_interval(redis_server) -> None:
    broker = lean(redis_server.url, heartbeat_timeout=2_000)
    assert broker.heartbeat.every_s == 0.5, "a quarter of the timeout, not 5 s: the broker would look dead"
    assert lean(redis_server.url).heartbeat.every_s == 5.0
    broker.close()


def test_a_lean_and_a_plain_dramatiq_worker_share_a_queue(redis_server) -> None:
    handled: list[str] = []
    brokers = [
        declare(WakingRedisBroker(url=redis_server.url, namespace=NAMESPACE), handled),
        declare(RedisBroker(url=redis_server.url, namespace=NAMESPACE), handled),
    ]
    workers = [dramatiq.Worker(broker, worker_timeout=20, worker_threads=2) for broker in brokers]
    for worker in workers:
        worker.start()
    try:
        for index in range(200):
            brokers[index % 2].get_actor("record").send(f"m{index}")
        brokers[0].join("q", timeout=20_000)
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            worker.stop()
    assert sorted(handled) == sorted(f"m{index}" for index in range(200)), "each message handled exactly once"
    assert brokers[0].client.hlen(f"{NAMESPACE}:q.msgs") == 0
    for broker in brokers:
        broker.close()


def test_requeue_and_nack_from_a_lean_broker_reach_a_plain_one(redis_server) -> None:
    mine, theirs = lean(redis_server.url), declare(RedisBroker(url=redis_server.url, namespace=NAMESPACE))
    for index in range(3):
        theirs.get_actor("record").send(f"m{index}")
    consumer = mine.consume("q", prefetch=3, timeout=10)
    first, second, third = (next(consumer) for _ in range(3))

    consumer.nack(first)
    consumer.requeue([second, third])

    assert mine.client.zcard(f"{NAMESPACE}:q.XQ") == 1
    again = theirs.do_fetch("q", 5)
    assert len(again) == 2
    assert not mine.client.exists(f"{NAMESPACE}:__acks__.{mine.broker_id}.q")
    mine.close()
    theirs.close()


def test_an_enqueue_costs_one_script_with_its_wake_token(redis_server) -> None:
    broker = WakingRedisBroker(
        url=redis_server.url, namespace=NAMESPACE, maintenance_chance=0, heartbeat_every_s=NEVER_AGAIN_S
    )
    declare(broker)
    client = broker.client
    broker.get_actor("record").send("first")  # the first call writes the heartbeat and loads the script
    client.delete(broker.wake_key("q"))  # as if a consumer had taken the token

    cost, _ = commands_of(client, lambda: broker.get_actor("record").send("second"))
    again, _ = commands_of(client, lambda: broker.get_actor("record").send("third"))

    assert cost == 5, "EVALSHA, HSET, RPUSH, LLEN, LPUSH (dramatiq's script and the token's took 7)"
    assert again == 4, "a token already waits: no LPUSH"
    assert client.llen(f"{NAMESPACE}:q") == 3 and client.hlen(f"{NAMESPACE}:q.msgs") == 3
    assert client.llen(broker.wake_key("q")) == 1
    broker.close()


def test_an_enqueue_on_which_dramatiq_runs_maintenance_still_leaves_one_token(redis_server) -> None:
    broker = WakingRedisBroker(url=redis_server.url, namespace=NAMESPACE, maintenance_chance=MAINTENANCE_SCALE)
    declare(broker)
    for tag in ("a", "b"):
        broker.get_actor("record").send(tag)

    assert broker.client.llen(f"{NAMESPACE}:q") == 2
    assert broker.client.llen(broker.wake_key("q")) == 1
    broker.close()
