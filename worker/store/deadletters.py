"""Messages that exhausted their retries or failed for good, kept for `deskpilot dlq list|retry`."""

from __future__ import annotations

import builtins
import json
from typing import Any

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.replies import texts

MAX_ENTRIES = 10_000


class DeadLetters:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def add(self, entry: dict[str, Any]) -> None:
        pipe = self.redis.pipeline()
        pipe.rpush(self.key("dlq"), json.dumps(entry, default=str))
        pipe.ltrim(self.key("dlq"), -MAX_ENTRIES, -1)
        pipe.execute()

    def list(self) -> builtins.list[dict[str, Any]]:
        return [json.loads(raw) for raw in self.redis.lrange(self.key("dlq"), 0, -1)]

    def take(self, entry_id: str | None = None) -> builtins.list[dict[str, Any]]:  # `list`: the method above
        """Remove and return the entries with this message or action id (all when None), for re-driving."""
        taken = []
        for raw in texts(self.redis.lrange(self.key("dlq"), 0, -1)):
            entry = json.loads(raw)
            wanted = entry_id is None or entry_id in (entry.get("message_id"), entry.get("action_id"))
            if wanted and self.redis.lrem(self.key("dlq"), 1, raw):
                taken.append(entry)
        return taken
