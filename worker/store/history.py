"""What rules remember per ticket: fires in the last hour (loop cap) and `once` marks (per ticket or anchor)."""

from __future__ import annotations

import zlib

import redis as redis_lib
from redis.client import Pipeline

from worker.store.keys import Keys, server_ms

HOUR_MS = 3_600_000
ONCE_RETENTION_S = 90 * 24 * 3600
ANY_ANCHOR = "*"
# A ticket a rule keeps firing on holds about TRIM_EVERY fires older than the hour on average (the key itself
# expires 2 h after its last fire).
TRIM_EVERY = 8


class FireHistory:
    """Implements the engine's History protocol over Redis. `at(now_ms)` gives one bound to a step's Redis time,
    so an evaluation reads the clock once instead of once per rule."""

    def __init__(self, redis: redis_lib.Redis, keys: Keys, now_ms: int | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.key = keys.key
        self.now_ms = now_ms

    def at(self, now_ms: int) -> FireHistory:
        return FireHistory(self.redis, self.keys, now_ms)

    def fires_last_hour(self, rule_id: str, ticket_id: str) -> int:
        now = self._now()
        return int(self.redis.zcount(self.key("fires", rule_id, ticket_id), now - HOUR_MS, "+inf"))

    def fired_once(self, rule_id: str, ticket_id: str, anchor: str | None) -> bool:
        stored = self.redis.get(self.key("once", rule_id, ticket_id))
        return stored is not None and (anchor is None or stored == str(anchor))

    def record_fire(self, rule_id: str, ticket_id: str, fire_id: str, once: str | None, anchor: str | None) -> None:
        pipe = self.redis.pipeline(transaction=False)
        self.record_fire_in(pipe, rule_id, ticket_id, fire_id, once, anchor)
        pipe.execute()

    def record_fire_in(
        self, pipe: Pipeline, rule_id: str, ticket_id: str, fire_id: str, once: str | None, anchor: str | None
    ) -> None:
        """Queued on the caller's pipeline, without a transaction: each write is idempotent, and one lost in a crash
        only shortens what the loop cap or `once` remembers by that fire (the event is evaluated again,
        re-recording it). Fires older than the hour are trimmed by one fire in TRIM_EVERY (chosen by its id, so a
        re-recording trims alike): the count reads only the last hour, and the key expires 2 h after the last fire."""
        now = self._now()
        name = self.key("fires", rule_id, ticket_id)
        pipe.zadd(name, {fire_id: now})
        if zlib.crc32(fire_id.encode()) % TRIM_EVERY == 0:
            pipe.zremrangebyscore(name, "-inf", now - HOUR_MS)
        pipe.pexpire(name, 2 * HOUR_MS)
        if once is not None:
            pipe.set(
                self.key("once", rule_id, ticket_id), ANY_ANCHOR if anchor is None else str(anchor), ex=ONCE_RETENTION_S
            )

    def _now(self) -> int:
        return self.now_ms if self.now_ms is not None else server_ms(self.redis)
