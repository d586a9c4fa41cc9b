"""Idle dramatiq consumers that wake when a message is enqueued, instead of polling their queue on a timer.

dramatiq's Redis consumer sleeps between empty fetches, up to the worker's idle timeout (1 s here), so every
hop of the pipeline (evaluate, act) waited up to that long on an idle worker, and a shorter timeout multiplies
the idle Redis commands. Here an idle consumer blocks on a per-queue wake list (`BLPOP`, up to the same
timeout) and every enqueue pushes a token to it: one Redis command per message, an idle wait that ends as soon
as there is work, and no more idle commands than before. Tokens are capped, so a busy queue's list stays small;
a spare token costs one empty fetch.
"""

from __future__ import annotations

import time
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.errors import ConnectionClosed

WAKE_TOKENS_KEPT = 64
BUSY_PAUSE_S = 0.05

# Push one token and keep at most ARGV[1] of them: atomic, one command per enqueue.
PUSH_TOKEN = """
redis.call('LPUSH', KEYS[1], '1')
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
return 1
"""


class WakingRedisBroker(RedisBroker):
    """dramatiq's Redis broker whose enqueues wake an idle consumer of the queue at once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._push_token = self.client.register_script(PUSH_TOKEN)

    @property
    def consumer_class(self) -> type[_RedisConsumer]:
        return WakeOnEnqueueConsumer

    def wake_key(self, queue_name: str) -> str:
        return f"{self.namespace}:wake:{queue_name}"

    def enqueue(self, message: dramatiq.Message[Any], *, delay: int | None = None) -> dramatiq.Message[Any]:
        queue_name = message.queue_name
        enqueued = super().enqueue(message, delay=delay)
        if delay is None:  # a delayed message is moved to its queue by a worker, through this method again
            self._push_token(keys=[self.wake_key(queue_name)], args=[WAKE_TOKENS_KEPT])
        return enqueued


class WakeOnEnqueueConsumer(_RedisConsumer):
    """Fetches as dramatiq's consumer does, but waits for a wake token instead of sleeping when the queue is empty."""

    def __init__(self, broker: WakingRedisBroker, queue_name: str, prefetch: int, timeout: int) -> None:
        super().__init__(broker, queue_name, prefetch, 1)  # the parent's own sleep: at most 1 ms
        self.idle_wait_s = timeout / 1000
        self.wake_key = broker.wake_key(queue_name)

    def __next__(self) -> dramatiq.MessageProxy | None:
        message: dramatiq.MessageProxy | None = super().__next__()
        if message is not None:
            return message
        if self.outstanding_message_count >= self.prefetch:
            time.sleep(min(self.idle_wait_s, BUSY_PAUSE_S))  # full: nothing was fetched, only acks to wait for
            return None
        try:
            self.broker.client.blpop([self.wake_key], timeout=self.idle_wait_s)
        except redis.ConnectionError as error:
            raise ConnectionClosed(error) from None
        return None
