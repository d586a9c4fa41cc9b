"""Per-org poll marks: the cursor (the time of the last poll whose events were all logged) and `shown` (the newest
modifiedTime the search has shown; see poll_window), both only moving forward; and the largest index lateness
observed lately (kept for a while, then forgotten)."""

from __future__ import annotations

from datetime import datetime, timedelta

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.replies import optional_text
from worker.store.scripts import register


class Cursors:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key
        self._forward_script = register(redis, "mark_forward")
        self._max_lag = register(redis, "max_lag")

    def get(self, org_id: str) -> datetime | None:
        return self._read(self.key("cursor", org_id))

    def advance(self, org_id: str, moment: datetime) -> None:
        self._forward(self.key("cursor", org_id), moment)

    def shown(self, org_id: str) -> datetime | None:
        return self._read(self.key("cursor", org_id, "shown"))

    def note_shown(self, org_id: str, moment: datetime) -> None:
        self._forward(self.key("cursor", org_id, "shown"), moment)

    def recent_lag(self, org_id: str) -> timedelta:
        raw = self.redis.get(self.key("cursor", org_id, "lag"))
        return timedelta(seconds=float(raw)) if raw else timedelta()

    def note_lag(self, org_id: str, lag: timedelta, memory: timedelta) -> None:
        self._max_lag(
            keys=[self.key("cursor", org_id, "lag")],
            args=[f"{lag.total_seconds():.3f}", int(memory.total_seconds() * 1000)],
        )

    def _read(self, name: str) -> datetime | None:
        raw = optional_text(self.redis.get(name))
        return datetime.fromisoformat(raw) if raw else None

    def _forward(self, name: str, moment: datetime) -> None:
        self._forward_script(keys=[name], args=[moment.isoformat(timespec="microseconds")])
