"""Counters kept in Redis so every process adds to one set of figures (served as Prometheus metrics)."""
from __future__ import annotations

import redis as redis_lib

from worker.store.keys import Keys

SEPARATOR = "|"


class Counters:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def incr(self, name: str, *labels: str, amount: float = 1) -> None:
        self.redis.hincrbyfloat(self.key("counters"), SEPARATOR.join((name, *labels)), amount)

    def set(self, name: str, *labels: str, value: float) -> None:
        self.redis.hset(self.key("gauges"), SEPARATOR.join((name, *labels)), value)

    def counters(self) -> dict[tuple[str, ...], float]:
        return {tuple(field.split(SEPARATOR)): float(value) for field, value in self.redis.hgetall(self.key("counters")).items()}

    def gauges(self) -> dict[tuple[str, ...], float]:
        return {tuple(field.split(SEPARATOR)): float(value) for field, value in self.redis.hgetall(self.key("gauges")).items()}
