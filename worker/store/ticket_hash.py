"""One Redis hash per org holding a JSON record per ticket: the shape the mirror, the SLA timelines and the ticket
activity share (each names its key family and adds what is its own)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

import redis as redis_lib
from redis.client import Pipeline

from worker.store.keys import Keys

SCAN_BATCH = 500
Writer = redis_lib.Redis | Pipeline  # a client, or a pipeline that queues the write with others


class TicketHash:
    family: ClassVar[str]  # the key family: `<ns>:<family>:<org>`

    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def hash_key(self, org_id: str) -> str:
        return self.key(self.family, org_id)

    def get_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ticket_ids:
            return {}
        raw = self.redis.hmget(self.hash_key(org_id), ticket_ids)
        return {ticket_id: json.loads(value) for ticket_id, value in zip(ticket_ids, raw, strict=True) if value}

    def get(self, org_id: str, ticket_id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self.hash_key(org_id), ticket_id)
        return json.loads(raw) if raw else None

    def put_many(self, org_id: str, records: Mapping[str, Mapping[str, Any]]) -> None:
        if records:
            self.redis.hset(
                self.hash_key(org_id), mapping={ticket_id: json.dumps(data) for ticket_id, data in records.items()}
            )

    def drop(self, org_id: str, ticket_ids: Iterable[str], client: Writer | None = None) -> None:
        """`client`: a pipeline to queue it in."""
        ids = list(ticket_ids)
        if ids:
            (client or self.redis).hdel(self.hash_key(org_id), *ids)

    def entries(self, org_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (ticket id, record) of the org, a batch at a time (HSCAN: no long blocking read)."""
        for ticket_id, raw in self.redis.hscan_iter(self.hash_key(org_id), count=SCAN_BATCH):
            yield str(ticket_id), json.loads(raw)
