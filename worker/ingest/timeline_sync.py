"""Keeps the SLA timelines of an org's tickets in Redis as the poller sees them change (see timeline_tracker).

API cost per ticket: none for a customer message or a status change; one GET of its threads for each new
thread that is not a customer message (an agent's reply), when several threads arrived between two polls, when
it is first seen with more than one thread, and once after the first backfill (spread over polls,
`fill_per_poll` at a time, so the first poll stays quick). None for a change whose threads the ticket activity
already read whole in the same batch (`reads`, ingest/thread_reads.py): an agent's reply then costs one read, not two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.desk.paging import MAX_LIMIT, iter_offset
from worker.engine.sla.timeline import Timeline
from worker.engine.values import is_closed
from worker.ingest.diff import Observation
from worker.ingest.thread_reads import ThreadReads
from worker.ingest.timeline_steps import advance, first_sight, from_threads
from worker.store import Store
from worker.store.replies import texts

log = structlog.get_logger(__name__)
DEFAULT_FILL_PER_POLL = 100


@dataclass
class TimelineKeeper:
    client: DeskClient
    store: Store
    fill_per_poll: int = DEFAULT_FILL_PER_POLL
    reads: ThreadReads = field(default_factory=ThreadReads)  # filled by the batch's activity keeper, if it shares

    @property
    def org_id(self) -> str:
        return self.client.org_id

    def observe(self, seen: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any], Observation]]) -> None:
        """Update the timelines of one batch of changed tickets: (previous snapshot or None, ticket, observation)."""
        items = list(seen)
        known = self.store.timelines.get_many(self.org_id, [ticket["id"] for _, ticket, _ in items])
        updated: dict[str, dict[str, Any]] = {}
        for previous, ticket, observation in items:
            timeline = Timeline.from_dict(known[ticket["id"]]) if ticket["id"] in known else None
            step = first_sight(ticket) if previous is None else advance(timeline, previous, ticket, observation)
            rebuilt = step.timeline or from_threads(ticket, self._threads_of(ticket), timeline)
            updated[ticket["id"]] = rebuilt.to_dict()
        self.reads.clear()
        self.store.timelines.put_many(self.org_id, updated)

    def schedule_fill(self, tickets: Iterable[Mapping[str, Any]]) -> None:
        """After a backfill: the open tickets whose history must be read once."""
        ids = [ticket["id"] for ticket in tickets if not is_closed(ticket)]
        if ids:
            self.store.redis.sadd(self.store.keys.key("timeline", self.org_id, "missing"), *ids)

    def fill(self) -> int:
        """Read the threads of up to `fill_per_poll` tickets still missing a timeline; returns how many.

        Each timeline is saved as soon as it is read; if a read fails, the ids not done yet go back into the
        missing set for the next poll, so no ticket is left without a clock."""
        missing = self.store.keys.key("timeline", self.org_id, "missing")
        ids = texts(self.store.redis.spop(missing, self.fill_per_poll) or [])
        snapshots = self.store.mirror.get_many(self.org_id, ids)
        done = 0
        try:
            for ticket_id, ticket in snapshots.items():
                timeline = from_threads(ticket, self._threads(ticket_id), None)
                self.store.timelines.put_many(self.org_id, {ticket_id: timeline.to_dict()})
                done += 1
        finally:
            left = list(snapshots)[done:]
            if left:
                self.store.redis.sadd(missing, *left)
        if done:
            log.info("timelines.filled", org=self.org_id, tickets=done)
        return done

    def drop(self, ticket_ids: list[str]) -> None:
        self.store.timelines.drop(self.org_id, ticket_ids)

    def _threads_of(self, ticket: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """All the ticket's threads: the page the activity read for this change (and the rest, if it has more)."""
        page = self.reads.take(ticket)
        if page is None:
            return list(self._threads(ticket["id"]))
        return [*page.items, *(() if page.whole else self._threads(ticket["id"], start=len(page.items)))]

    def _threads(self, ticket_id: str, start: int = 0) -> list[dict[str, Any]]:
        request = self.client.transport.request

        def fetch(from_: int, limit: int) -> list[dict[str, Any]]:
            body = request("GET", f"/tickets/{ticket_id}/threads", params={"from": from_, "limit": limit})
            return (body or {}).get("data") or []

        return list(iter_offset(fetch, limit=MAX_LIMIT, start=start))
