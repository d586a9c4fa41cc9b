"""An idle consumer wakes when a message is enqueued, not when its idle timeout ends."""

from __future__ import annotations

import threading
from typing import Any

import dramatiq

from worker.app.wake import WakingRedisBroker

LONG_IDLE_MS = 60_000  # far longer than the test waits: only a wake can end the consumer's wait


def make_broker(url: str) -> WakingRedisBroker:
    broker = WakingRedisBroker(url=url, namespace="t:dramatiq")
    dramatiq.actor(lambda: None, actor_name="noop", queue_name="q", broker=broker)
    return broker


def test_an_idle_consumer_returns_as_soon_as_a_message_is_enqueued(redis_server) -> None:
    broker = make_broker(redis_server.url)
    consumer = broker.consume("q", prefetch=1, timeout=LONG_IDLE_MS)
    consumer.misses = consumer.empty_rounds = 30  # a long idle spell: dramatiq's own would sleep the whole timeout
    results: list[Any] = []
    waiting = threading.Thread(target=lambda: results.append(next(consumer)), daemon=True)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "an empty queue keeps the consumer waiting"

    broker.get_actor("noop").send()

    waiting.join(15)
    assert not waiting.is_alive(), "the enqueue woke the consumer"
    message = results[0] or next(consumer)
    assert message.actor_name == "noop"
    consumer.close()
    broker.close()


def test_one_token_waits_while_nobody_is_blocked(redis_server) -> None:
    broker = make_broker(redis_server.url)
    for _ in range(5):
        broker.get_actor("noop").send()

    assert broker.client.llen(broker.wake_key("q")) == 1
    broker.close()


def test_a_delayed_message_pushes_no_token(redis_server) -> None:
    broker = make_broker(redis_server.url)
    broker.get_actor("noop").send_with_options(delay=60_000)

    assert broker.client.llen(broker.wake_key("q")) == 0
    broker.close()
