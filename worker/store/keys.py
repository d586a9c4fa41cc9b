"""Redis key names (one place, so a reader can see the whole keyspace) and Redis server time."""
from __future__ import annotations

from datetime import datetime, timezone

import redis as redis_lib

PREFIX = "dp"


def key(*parts: str) -> str:
    return ":".join((PREFIX, *parts))


def server_now(redis: redis_lib.Redis) -> datetime:
    """Redis's clock, shared by every process and machine (local clocks may disagree)."""
    seconds, micros = redis.time()
    return datetime.fromtimestamp(int(seconds) + int(micros) / 1_000_000, tz=timezone.utc)


def server_ms(redis: redis_lib.Redis) -> int:
    seconds, micros = redis.time()
    return int(seconds) * 1000 + int(micros) // 1000
