"""The durable event log: every event the poller or a sweep produced, until it has been evaluated.

Event ids are deterministic (org, ticket, modifiedTime, kind), so re-reading the same change after a crash logs
nothing new. An event stays in the pending set until `evaluate` finishes it; the reconciler re-sends the ones
whose deadline passed. A pending event holds the ticket and its previous snapshot (evaluation needs them); a
finished one keeps only what dedupe and audit read (kind, ids, modifiedTime, the changes) for FINISHED_RETENTION_S.
"""

from __future__ import annotations

import hashlib
from typing import Any

import redis as redis_lib
from redis.client import Pipeline

from worker.store.keys import Keys, server_ms
from worker.store.records import EventRecord
from worker.store.replies import texts
from worker.store.scripts import register

RETENTION_S = 7 * 24 * 3600  # a pending event: the reconciler re-sends it until evaluated
# A finished event only stops a re-read of the same change from being logged again. A change is re-read while it
# is inside a poll window (the overlap, an index lag up to poll_window's bound) or after a crash between logging
# and the mirror write, which the next poll repairs: minutes. A day leaves room for a stalled poller, at ~0.5 KB.
FINISHED_RETENTION_S = 24 * 3600
DEFAULT_DEADLINE_MS = 60_000


def event_id(org_id: str, ticket_id: str, modified_time: str, kind: str) -> str:
    digest = hashlib.sha1(f"{org_id}|{ticket_id}|{modified_time}|{kind}".encode()).hexdigest()
    return f"ev-{digest[:20]}"


class EventLog:
    def __init__(self, redis: redis_lib.Redis, keys: Keys, deadline_ms: int = DEFAULT_DEADLINE_MS) -> None:
        self.redis = redis
        self.key = keys.key
        self.deadline_ms = deadline_ms  # after this, an event not yet evaluated is sent again by the reconciler
        self._append = register(redis, "event_append")

    def append(self, event: EventRecord) -> bool:
        """Log the event unless it is already known, atomically with its deadline (a crash between them would
        leave an event no one evaluates); True when it is new (and so must be sent)."""
        return bool(self.queue_append(self.redis, event))

    def queue_append(self, client: redis_lib.Redis | Pipeline, event: EventRecord) -> Any:
        """`append` sent through `client`: a transaction pipeline queues it with other writes (its answer, 1 when
        new, comes from the pipeline's execute); a client runs it at once."""
        return self._append(
            keys=[self.key("event", event.id), self.key("events", "pending")],
            args=[event.encode(), RETENTION_S, self.deadline_ms, event.id],
            client=client,
        )

    def get(self, event_id_: str) -> EventRecord | None:
        raw = self.redis.get(self.key("event", event_id_))
        return EventRecord.decode(raw) if raw else None

    def get_pending(self, event_id_: str) -> EventRecord | None:
        """The event if it still waits for evaluation (one GET), else None. Every producer logs the ticket and
        `finish` drops it, so a record without one is finished (or was logged by a version that did not keep it)."""
        raw = self.redis.get(self.key("event", event_id_))
        if not raw:
            return None
        record = EventRecord.decode(raw)
        return record if record.ticket is not None else None

    def finish(self, event_id_: str, event: EventRecord | None = None) -> None:
        """Take the event out of the pending set, then slim it to what dedupe and audit read. `event`: its record
        when the caller has it (saves a read)."""
        if event is None:
            event = self.get(event_id_)
        pipe = self.redis.pipeline(transaction=False)
        self.finish_in(pipe, event_id_, event)
        pipe.execute()

    def finish_in(self, pipe: Pipeline, event_id_: str, event: EventRecord | None) -> None:
        """Queued on the caller's pipeline in this order: if the second write is lost, a finished event keeps its
        full bytes until its retention ends, never a slim one left pending."""
        pipe.zrem(self.key("events", "pending"), event_id_)
        if event is not None:
            pipe.set(self.key("event", event_id_), event.finished().encode(), ex=FINISHED_RETENTION_S)

    def is_pending(self, event_id_: str) -> bool:
        return self.redis.zscore(self.key("events", "pending"), event_id_) is not None

    def overdue(self, limit: int = 500) -> list[str]:
        return texts(
            self.redis.zrangebyscore(self.key("events", "pending"), "-inf", server_ms(self.redis), start=0, num=limit)
        )

    def extend(self, event_id_: str) -> None:
        self.redis.zadd(self.key("events", "pending"), {event_id_: server_ms(self.redis) + self.deadline_ms}, xx=True)

    def pending_count(self) -> int:
        return int(self.redis.zcard(self.key("events", "pending")))
