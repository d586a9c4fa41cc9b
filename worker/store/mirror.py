"""The mirror: per org, a snapshot of every open (and recently closed) ticket as rules see it.

The poller diffs each fetched ticket against its snapshot; sweeps evaluate time rules over the mirror, so a
sweep costs no API call. Snapshots are JSON in one Redis hash per org.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.scripts import register
from worker.store.ticket_hash import TicketHash, Writer


class Mirror(TicketHash):
    family = "mirror"

    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        super().__init__(redis, keys)
        self._put_newer = register(redis, "mirror_put_newer")

    def put_newer(self, org_id: str, tickets: Mapping[str, Mapping[str, Any]], client: Writer | None = None) -> None:
        """put_many, except that a stored snapshot with a later modifiedTime stays (two writers racing on one
        ticket: the later state wins whichever writes last). `client`: a pipeline to queue it in."""
        if tickets:
            args: list[str] = []
            for ticket_id, ticket in tickets.items():
                args += [ticket_id, str(ticket.get("modifiedTime") or ""), json.dumps(ticket)]
            self._put_newer(keys=[self.hash_key(org_id)], args=args, client=client or self.redis)

    def scan(self, org_id: str) -> Iterator[dict[str, Any]]:
        """Every snapshot of the org, streamed in batches (10,000 tickets never sit in one reply)."""
        return (snapshot for _, snapshot in self.entries(org_id))

    def size(self, org_id: str) -> int:
        return int(self.redis.hlen(self.hash_key(org_id)))

    def is_backfilled(self, org_id: str) -> bool:
        return bool(self.redis.exists(self.key("mirror", org_id, "backfilled")))

    def mark_backfilled(self, org_id: str) -> None:
        self.redis.set(self.key("mirror", org_id, "backfilled"), "1")
