"""Leases: a key held by one owner until released or expired (a holder that dies lets it lapse).

The one mechanism behind an action's claim and a job's exclusive run; release and extend act only for the owner.
"""

from __future__ import annotations

import redis as redis_lib

from worker.store.scripts import register


class Leases:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis
        self._extend = register(redis, "lease_extend")
        self._release = register(redis, "lease_release")

    def take(self, name: str, owner: str, lease_ms: int) -> bool:
        return bool(self.redis.set(name, owner, nx=True, px=lease_ms))

    def extend(self, name: str, owner: str, lease_ms: int) -> None:
        self._extend(keys=[name], args=[owner, lease_ms])

    def release(self, name: str, owner: str) -> None:
        self._release(keys=[name], args=[owner])

    def held(self, name: str) -> bool:
        return bool(self.redis.exists(name))
