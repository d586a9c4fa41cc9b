"""The mirror: per org, a snapshot of every open (and recently closed) ticket as rules see it.

The poller diffs each fetched ticket against its snapshot; sweeps evaluate time rules over the mirror, so a
sweep costs no API call. Snapshots are JSON in one Redis hash per org.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import redis as redis_lib
from redis.client import Pipeline

from worker.store.keys import Keys
from worker.store.scripts import register

SCAN_BATCH = 500
Writer = redis_lib.Redis | Pipeline  # a client, or a pipeline that queues the write with others


class Mirror:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key
        self._put_newer = register(redis, "mirror_put_newer")

    def get_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ticket_ids:
            return {}
        raw = self.redis.hmget(self.key("mirror", org_id), ticket_ids)
        return {ticket_id: json.loads(value) for ticket_id, value in zip(ticket_ids, raw, strict=True) if value}

    def get(self, org_id: str, ticket_id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self.key("mirror", org_id), ticket_id)
        return json.loads(raw) if raw else None

    def put_many(self, org_id: str, tickets: Mapping[str, Mapping[str, Any]]) -> None:
        if tickets:
            self.redis.hset(
                self.key("mirror", org_id),
                mapping={ticket_id: json.dumps(ticket) for ticket_id, ticket in tickets.items()},
            )

    def put_newer(self, org_id: str, tickets: Mapping[str, Mapping[str, Any]], client: Writer | None = None) -> None:
        """put_many, except that a stored snapshot with a later modifiedTime stays (two writers racing on one
        ticket: the later state wins whichever writes last). `client`: a pipeline to queue it in."""
        if tickets:
            args: list[str] = []
            for ticket_id, ticket in tickets.items():
                args += [ticket_id, str(ticket.get("modifiedTime") or ""), json.dumps(ticket)]
            self._put_newer(keys=[self.key("mirror", org_id)], args=args, client=client or self.redis)

    def drop(self, org_id: str, ticket_ids: Iterable[str], client: Writer | None = None) -> None:
        ids = list(ticket_ids)
        if ids:
            (client or self.redis).hdel(self.key("mirror", org_id), *ids)

    def scan(self, org_id: str) -> Iterator[dict[str, Any]]:
        """Every snapshot of the org, streamed in batches (10,000 tickets never sit in one reply)."""
        for _, raw in self.redis.hscan_iter(self.key("mirror", org_id), count=SCAN_BATCH):
            yield json.loads(raw)

    def size(self, org_id: str) -> int:
        return int(self.redis.hlen(self.key("mirror", org_id)))

    def is_backfilled(self, org_id: str) -> bool:
        return bool(self.redis.exists(self.key("mirror", org_id, "backfilled")))

    def mark_backfilled(self, org_id: str) -> None:
        self.redis.set(self.key("mirror", org_id, "backfilled"), "1")
