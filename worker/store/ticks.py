"""Scheduler ticks claimed in Redis: any number of schedulers may run; exactly one wins each tick."""
from __future__ import annotations

from datetime import datetime

import redis as redis_lib

from worker.store.keys import key

TICK_RETENTION_S = 2 * 24 * 3600


RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
EXTEND_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"


class Ticks:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def claim(self, job: str, due: datetime) -> bool:
        return bool(self.redis.set(key("tick", job, due.isoformat()), "1", nx=True, ex=TICK_RETENTION_S))

    def hold(self, job: str, owner: str, lease_ms: int) -> bool:
        """One run of a job at a time (a poll of one org): a lease that expires if its holder dies."""
        return bool(self.redis.set(key("running", job), owner, nx=True, px=lease_ms))

    def extend(self, job: str, owner: str, lease_ms: int) -> None:
        """Keep holding while the run makes progress; a holder that dies stops extending and the lease lapses."""
        self.redis.eval(EXTEND_SCRIPT, 1, key("running", job), owner, lease_ms)

    def release(self, job: str, owner: str) -> None:
        self.redis.eval(RELEASE_SCRIPT, 1, key("running", job), owner)
