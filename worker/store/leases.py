"""Leases: a key held by one owner until released or expired (a holder that dies lets it lapse).

The one mechanism behind an action's claim and a job's exclusive run; release and extend act only for the owner.
"""
from __future__ import annotations

import redis as redis_lib

RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
EXTEND_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"


class Leases:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def take(self, name: str, owner: str, lease_ms: int) -> bool:
        return bool(self.redis.set(name, owner, nx=True, px=lease_ms))

    def extend(self, name: str, owner: str, lease_ms: int) -> None:
        self.redis.eval(EXTEND_SCRIPT, 1, name, owner, lease_ms)

    def release(self, name: str, owner: str) -> None:
        self.redis.eval(RELEASE_SCRIPT, 1, name, owner)

    def held(self, name: str) -> bool:
        return bool(self.redis.exists(name))
