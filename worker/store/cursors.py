"""Per-org poll marks: the cursor (the time of the last poll whose events were all logged) and `shown` (the newest
modifiedTime the search has shown; see poll_window), both only moving forward; and the largest index lateness
observed lately (kept for a while, then forgotten)."""
from __future__ import annotations

from datetime import datetime, timedelta

import redis as redis_lib

from worker.store.keys import key

# Move forward only: a late poll finishing after a newer one must not move a mark back.
FORWARD_SCRIPT = (
    "local old = redis.call('GET', KEYS[1]) "
    "if (not old) or old < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) end return 1"
)

# Keep the larger lateness; each new observation keeps it for `ARGV[2]` more milliseconds.
MAX_LAG_SCRIPT = (
    "local old = tonumber(redis.call('GET', KEYS[1]) or '0') "
    "local new = tonumber(ARGV[1]) if new > old then old = new end "
    "redis.call('SET', KEYS[1], tostring(old), 'PX', ARGV[2]) return 1"
)


class Cursors:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def get(self, org_id: str) -> datetime | None:
        return self._read(key("cursor", org_id))

    def advance(self, org_id: str, moment: datetime) -> None:
        self._forward(key("cursor", org_id), moment)

    def shown(self, org_id: str) -> datetime | None:
        return self._read(key("cursor", org_id, "shown"))

    def note_shown(self, org_id: str, moment: datetime) -> None:
        self._forward(key("cursor", org_id, "shown"), moment)

    def recent_lag(self, org_id: str) -> timedelta:
        raw = self.redis.get(key("cursor", org_id, "lag"))
        return timedelta(seconds=float(raw)) if raw else timedelta()

    def note_lag(self, org_id: str, lag: timedelta, memory: timedelta) -> None:
        self.redis.eval(MAX_LAG_SCRIPT, 1, key("cursor", org_id, "lag"), f"{lag.total_seconds():.3f}",
                        int(memory.total_seconds() * 1000))

    def _read(self, name: str) -> datetime | None:
        raw = self.redis.get(name)
        return datetime.fromisoformat(raw) if raw else None

    def _forward(self, name: str, moment: datetime) -> None:
        self.redis.eval(FORWARD_SCRIPT, 1, name, moment.isoformat(timespec="microseconds"))
