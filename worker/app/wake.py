"""Idle dramatiq consumers that wake when a message is enqueued, instead of polling their queue on a timer.

dramatiq's Redis consumer sleeps between empty fetches, backing off up to the worker's idle timeout (1 s here), so
every hop of the pipeline (evaluate, act) waited up to that long on a worker that had been idle, and a shorter
timeout multiplies the idle Redis commands. Here a consumer backs off as dramatiq's does for a few short rounds
(under load, messages gather between fetches and are taken in batches), then blocks on a per-queue wake list
(`BLPOP`, up to the same idle timeout), and every enqueue leaves a token there: an idle wait ends as soon as there
is work, and idle costs no more commands than before. One token is enough: a consumer always fetches before it
blocks, so a token only has to say "something came after your last fetch"; a blocked consumer is handed the token
directly by Redis.
"""

from __future__ import annotations

import time

import dramatiq
import redis
from dramatiq.brokers.redis import _RedisConsumer
from dramatiq.common import compute_backoff
from dramatiq.errors import ConnectionClosed

from worker.app.dispatch import LeanRedisBroker

SHORT_ROUNDS = 5  # empty rounds slept as dramatiq does (about 5, 10, 20, 40, 80 ms) before blocking


class WakingRedisBroker(LeanRedisBroker):
    """dramatiq's Redis broker whose enqueues wake an idle consumer of the queue at once: each enqueue on a queue
    (not a delay queue) leaves the token in the same script (dispatch.py)."""

    @property
    def consumer_class(self) -> type[_RedisConsumer]:
        return WakeOnEnqueueConsumer

    def wake_key(self, queue_name: str) -> str:
        return f"{self.namespace}:wake:{queue_name}"

    def wake_key_of(self, queue_name: str) -> str | None:
        """A delayed message goes to the delay queue, and to its queue later through an enqueue again."""
        return None if queue_name.endswith(".DQ") else self.wake_key(queue_name)


class WakeOnEnqueueConsumer(_RedisConsumer):
    """Fetches as dramatiq's consumer does; once its queue has stayed empty a few rounds, waits for a wake token."""

    def __init__(self, broker: WakingRedisBroker, queue_name: str, prefetch: int, timeout: int) -> None:
        super().__init__(broker, queue_name, prefetch, 1)  # the parent's own sleep: at most 1 ms
        self.idle_timeout_ms = timeout
        self.wake_key = broker.wake_key(queue_name)
        self.empty_rounds = 0  # rounds in a row without a message (the parent's count restarts at every message)

    def __next__(self) -> dramatiq.MessageProxy | None:
        message: dramatiq.MessageProxy | None = super().__next__()
        if message is not None:
            self.empty_rounds = 0
            return message
        full = self.outstanding_message_count >= self.prefetch  # nothing was fetched: acks will free room
        self.empty_rounds, backoff_ms = compute_backoff(self.empty_rounds, max_backoff=self.idle_timeout_ms)
        if full or self.empty_rounds <= SHORT_ROUNDS:
            time.sleep(backoff_ms / 1000)
            return None
        try:
            self.broker.client.blpop([self.wake_key], timeout=self.idle_timeout_ms / 1000)
        except redis.ConnectionError as error:
            raise ConnectionClosed(error) from None
        return None
