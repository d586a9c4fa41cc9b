"""Scheduler ticks claimed in Redis: any number of schedulers may run; exactly one wins each tick."""
from __future__ import annotations

from datetime import datetime

import redis as redis_lib

from worker.store.keys import key

TICK_RETENTION_S = 2 * 24 * 3600


class Ticks:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def claim(self, job: str, due: datetime) -> bool:
        return bool(self.redis.set(key("tick", job, due.isoformat()), "1", nx=True, ex=TICK_RETENTION_S))
