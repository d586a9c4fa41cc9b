"""Per-ticket timelines for SLA clocks (customer messages, agent responses, status changes), and fired levels.

Kept beside the mirror (one hash per org), written by the poller as it sees changes, read by the SLA sweep;
the fired escalation levels of each ticket are a set, so a level fires once per clock cycle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.replies import texts

FIRED_RETENTION_S = 90 * 24 * 3600


class Timelines:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def get_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ticket_ids:
            return {}
        raw = self.redis.hmget(self.key("timeline", org_id), ticket_ids)
        return {ticket_id: json.loads(value) for ticket_id, value in zip(ticket_ids, raw, strict=True) if value}

    def put_many(self, org_id: str, timelines: Mapping[str, Mapping[str, Any]]) -> None:
        if timelines:
            self.redis.hset(
                self.key("timeline", org_id),
                mapping={ticket_id: json.dumps(data) for ticket_id, data in timelines.items()},
            )

    def drop(self, org_id: str, ticket_ids: Iterable[str]) -> None:
        ids = list(ticket_ids)
        if ids:
            self.redis.hdel(self.key("timeline", org_id), *ids)

    def fired(self, org_id: str, ticket_id: str) -> set[str]:
        return set(texts(self.redis.smembers(self.key("slafired", org_id, ticket_id))))

    def fired_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, set[str]]:
        pipe = self.redis.pipeline(transaction=False)
        for ticket_id in ticket_ids:
            pipe.smembers(self.key("slafired", org_id, ticket_id))
        return {ticket_id: set(members) for ticket_id, members in zip(ticket_ids, pipe.execute(), strict=True)}

    def mark_fired(self, org_id: str, ticket_id: str, level_key: str) -> bool:
        """True when this level had not fired yet for the ticket (the caller then records its actions)."""
        name = self.key("slafired", org_id, ticket_id)
        added = self.redis.sadd(name, level_key)
        self.redis.expire(name, FIRED_RETENTION_S)
        return bool(added)
