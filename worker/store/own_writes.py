"""Changes deskpilot itself made, so the poller can tag them and rules don't react to their own writes.

After a field write, the expected value is remembered per ticket and field; after a comment or reply, a count of
expected new comments/threads. The poller consumes the expectations that the fetched ticket fulfils.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import redis as redis_lib

from worker.store.keys import key

TTL_S = 3600
CONSUME_SCRIPT = """
local matched = {}
for i, field in ipairs(ARGV) do
  if i % 2 == 1 then
    local expected = redis.call('HGET', KEYS[1], field)
    if expected and expected == ARGV[i + 1] then
      redis.call('HDEL', KEYS[1], field)
      table.insert(matched, field)
    end
  end
end
return matched
"""


class OwnWrites:
    def __init__(self, redis: redis_lib.Redis) -> None:
        self.redis = redis

    def expect_fields(self, org_id: str, ticket_id: str, fields: Mapping[str, Any]) -> None:
        name = key("own", org_id, ticket_id)
        pipe = self.redis.pipeline()
        pipe.hset(name, mapping={field: json.dumps(value, sort_keys=True) for field, value in fields.items()})
        pipe.expire(name, TTL_S)
        pipe.execute()

    def expect_count(self, org_id: str, ticket_id: str, count_field: str, increment: int = 1) -> None:
        name = key("own", org_id, ticket_id, "counts")
        pipe = self.redis.pipeline()
        pipe.hincrby(name, count_field, increment)
        pipe.expire(name, TTL_S)
        pipe.execute()

    def consume_fields(self, org_id: str, ticket_id: str, changes: Mapping[str, Any]) -> set[str]:
        """The changed fields whose new value is one deskpilot wrote; those expectations are used up."""
        argv: list[str] = []
        for field, (_, new) in changes.items():
            argv += [field, json.dumps(new, sort_keys=True)]
        if not argv:
            return set()
        return set(self.redis.eval(CONSUME_SCRIPT, 1, key("own", org_id, ticket_id), *argv))

    def consume_count(self, org_id: str, ticket_id: str, count_field: str, observed: int) -> int:
        """How many of `observed` new children deskpilot created (at most what it expected)."""
        name = key("own", org_id, ticket_id, "counts")
        expected = int(self.redis.hget(name, count_field) or 0)
        used = min(expected, observed)
        if used:
            self.redis.hincrby(name, count_field, -used)
        return used
