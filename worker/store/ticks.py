"""Scheduler ticks claimed in Redis: any number of schedulers may run; exactly one wins each tick."""

from __future__ import annotations

from datetime import datetime

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.leases import Leases

TICK_RETENTION_S = 2 * 24 * 3600


class Ticks:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key
        self.leases = Leases(redis)

    def claim(self, job: str, due: datetime) -> bool:
        return bool(self.redis.set(self.key("tick", job, due.isoformat()), "1", nx=True, ex=TICK_RETENTION_S))

    def hold(self, job: str, owner: str, lease_ms: int) -> bool:
        """One run of a job at a time (a poll of one org): a lease that expires if its holder dies."""
        return self.leases.take(self.key("running", job), owner, lease_ms)

    def extend(self, job: str, owner: str, lease_ms: int) -> None:
        """Keep holding while the run makes progress; a holder that dies stops extending and the lease lapses."""
        self.leases.extend(self.key("running", job), owner, lease_ms)

    def release(self, job: str, owner: str) -> None:
        self.leases.release(self.key("running", job), owner)

    def running(self, job: str) -> bool:
        """A run holds the job and has made progress within its lease."""
        return self.leases.held(self.key("running", job))
