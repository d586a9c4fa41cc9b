"""Per-ticket activity (time anchors, reply and reopen counters, latest texts) beside the mirror: one hash per org,
ticket id -> JSON (engine/activity.py's `Activity.to_dict`). Written by ingest as it folds each change in, read by
ingest (the next change) and by time-rule sweeps; an entry leaves with its ticket's mirror entry."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import redis as redis_lib

from worker.store.keys import Keys

SCAN_BATCH = 500


class Activities:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def get_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ticket_ids:
            return {}
        raw = self.redis.hmget(self.key("activity", org_id), ticket_ids)
        return {ticket_id: json.loads(value) for ticket_id, value in zip(ticket_ids, raw, strict=True) if value}

    def put_many(self, org_id: str, activities: Mapping[str, Mapping[str, Any]]) -> None:
        if activities:
            self.redis.hset(
                self.key("activity", org_id),
                mapping={ticket_id: json.dumps(data) for ticket_id, data in activities.items()},
            )

    def drop(self, org_id: str, ticket_ids: Iterable[str]) -> None:
        ids = list(ticket_ids)
        if ids:
            self.redis.hdel(self.key("activity", org_id), *ids)

    def scan(self, org_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (ticket id, activity) of the org, a batch at a time (HSCAN: no long blocking read)."""
        for ticket_id, raw in self.redis.hscan_iter(self.key("activity", org_id), count=SCAN_BATCH):
            yield str(ticket_id), json.loads(raw)
