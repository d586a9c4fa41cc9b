"""The audit trail: every evaluation and action outcome, in a capped Redis stream, queryable by ticket/rule/time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import redis as redis_lib
from redis.client import Pipeline

from worker.store.keys import Keys
from worker.store.replies import stream_entries

MAX_ENTRIES = 100_000
READ_BATCH = 1000


def entry_time(entry_id: str) -> datetime:
    """When an entry was written: a stream id starts with the Redis server's milliseconds."""
    return datetime.fromtimestamp(int(entry_id.split("-")[0]) / 1000, tz=timezone.utc)


class AuditLog:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    def add(self, entry: str, **fields: Any) -> None:
        """`entry` is what is recorded: "evaluation" (a rule's verdict), "action" (an outcome) or "sla"."""
        self.add_many([(entry, fields)])

    def add_many(self, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """Several entries in one round trip (an event's verdicts)."""
        pipe = self.redis.pipeline(transaction=False)
        for entry, fields in entries:
            self.queue(pipe, entry, fields)
        pipe.execute()

    def queue(self, pipe: Pipeline, entry: str, fields: dict[str, Any]) -> None:
        """Add the entry to `pipe`, the caller's pipeline: written in the same round trip as what it records."""
        pipe.xadd(
            self.key("audit"),
            {"entry": entry, "data": json.dumps(fields, default=str)},
            maxlen=MAX_ENTRIES,
            approximate=True,
        )

    def query(
        self, *, ticket: str | None = None, rule: str | None = None, since: datetime | None = None
    ) -> Iterator[dict[str, Any]]:
        """Entries oldest first, filtered; `since` uses the stream ids' server time."""
        start = f"{int(since.timestamp() * 1000)}-0" if since else "-"
        while True:
            batch = stream_entries(self.redis.xrange(self.key("audit"), min=start, max="+", count=READ_BATCH))
            for entry_id, fields in batch:
                data = json.loads(fields["data"])
                if ticket and str(data.get("ticket")) != ticket:
                    continue
                if rule and data.get("rule") != rule:
                    continue
                yield {"id": entry_id, "entry": fields["entry"], **data}
            if len(batch) < READ_BATCH:
                return
            start = "(" + batch[-1][0]
