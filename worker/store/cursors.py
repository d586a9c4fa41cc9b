"""Per-org poll cursors: the upper bound of the last poll whose events were all logged."""
from __future__ import annotations

from datetime import datetime

import redis as redis_lib

from worker.store.keys import key


class Cursors:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def get(self, org_id: str) -> datetime | None:
        raw = self.redis.get(key("cursor", org_id))
        return datetime.fromisoformat(raw) if raw else None

    def advance(self, org_id: str, moment: datetime) -> None:
        """Move forward only: a late poll finishing after a newer one must not move the cursor back."""
        self.redis.eval(
            "local old = redis.call('GET', KEYS[1]) "
            "if (not old) or old < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) end return 1",
            1,
            key("cursor", org_id),
            moment.isoformat(timespec="microseconds"),
        )
