"""What rules remember per ticket: fires in the last hour (loop cap) and `once` marks (per ticket or anchor)."""
from __future__ import annotations

import redis as redis_lib

from worker.store.keys import key, server_ms

HOUR_MS = 3_600_000
ONCE_RETENTION_S = 90 * 24 * 3600
ANY_ANCHOR = "*"


class FireHistory:
    """Implements the engine's History protocol over Redis."""

    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def fires_last_hour(self, rule_id: str, ticket_id: str) -> int:
        now = server_ms(self.redis)
        return int(self.redis.zcount(key("fires", rule_id, ticket_id), now - HOUR_MS, "+inf"))

    def fired_once(self, rule_id: str, ticket_id: str, anchor: str | None) -> bool:
        stored = self.redis.get(key("once", rule_id, ticket_id))
        return stored is not None and (anchor is None or stored == str(anchor))

    def record_fire(self, rule_id: str, ticket_id: str, fire_id: str, once: str | None, anchor: str | None) -> None:
        now = server_ms(self.redis)
        name = key("fires", rule_id, ticket_id)
        pipe = self.redis.pipeline()
        pipe.zadd(name, {fire_id: now})
        pipe.zremrangebyscore(name, "-inf", now - HOUR_MS)
        pipe.pexpire(name, 2 * HOUR_MS)
        if once is not None:
            pipe.set(key("once", rule_id, ticket_id), ANY_ANCHOR if anchor is None else str(anchor), ex=ONCE_RETENTION_S)
        pipe.execute()
