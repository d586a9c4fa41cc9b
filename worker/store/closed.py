"""Compact snapshots of closed tickets that left the mirror (see changes.compact), one hash per org.

The mirror keeps a ticket only while it is open or recently closed; without a snapshot, a later change (a customer
reopening a ticket closed months ago) could not be diffed and no rule would see it. A snapshot is taken out when its
ticket comes back to the mirror; none is dropped by age, so the hash is bounded by the org's closed tickets, at a
few hundred bytes each (bench/bench_redis_memory.py measures it). A snapshot is stored as a JSON list: a bit mask
of the COMPACT_FIELDS it has, then their values in that order (field names would be half its bytes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.replies import text
from worker.store.ticket_hash import Writer

# What a closed ticket's snapshot keeps once it leaves the mirror: the fields rules test changes of, and the counts
# and times that tell a reply or a comment apart. Texts (subject, description, resolution) and search embeds are most
# of a ticket's bytes and are left out; a field a compact snapshot lacks is not compared (no invented change).
COMPACT_FIELDS = (
    "id",
    "status",
    "statusType",
    "priority",
    "assigneeId",
    "departmentId",
    "teamId",
    "category",
    "subCategory",
    "classification",
    "channel",
    "productId",
    "contactId",
    "accountId",
    "dueDate",
    "language",
    "isSpam",
    "isEscalated",
    "customFields",
    "threadCount",
    "commentCount",
    "customerResponseTime",
    "modifiedTime",
    "closedTime",
    "createdTime",
)
COMPACT_MARK = "_compact"


def pack(snapshot: Mapping[str, Any]) -> str:
    present = [index for index, name in enumerate(COMPACT_FIELDS) if name in snapshot]
    mask = sum(1 << index for index in present)
    return json.dumps([mask, *(snapshot[COMPACT_FIELDS[index]] for index in present)], separators=(",", ":"))


def unpack(raw: str) -> dict[str, Any]:
    mask, *values = json.loads(raw)
    names = [name for index, name in enumerate(COMPACT_FIELDS) if mask >> index & 1]
    return {**dict(zip(names, values, strict=False)), COMPACT_MARK: True}  # an older pack may carry more values


class ClosedTickets:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def get_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ticket_ids:
            return {}
        raw = self.redis.hmget(self.key("closed", org_id), ticket_ids)
        return {ticket_id: unpack(text(value)) for ticket_id, value in zip(ticket_ids, raw, strict=True) if value}

    def put_many(self, org_id: str, snapshots: Mapping[str, Mapping[str, Any]], client: Writer | None = None) -> None:
        if snapshots:
            (client or self.redis).hset(
                self.key("closed", org_id),
                mapping={ticket_id: pack(snapshot) for ticket_id, snapshot in snapshots.items()},
            )

    def drop(self, org_id: str, ticket_ids: Iterable[str], client: Writer | None = None) -> None:
        ids = list(ticket_ids)
        if ids:
            (client or self.redis).hdel(self.key("closed", org_id), *ids)

    def size(self, org_id: str) -> int:
        return int(self.redis.hlen(self.key("closed", org_id)))

    def is_filled(self, org_id: str) -> bool:
        """True once every closed ticket outside the mirror has a snapshot (a backfill, or the one-time fill of a
        mirror backfilled before snapshots were kept)."""
        return bool(self.redis.exists(self.key("closed", org_id, "filled")))

    def mark_filled(self, org_id: str) -> None:
        self.redis.set(self.key("closed", org_id, "filled"), "1")
