"""Change detection for one org: search by modifiedTime over [cursor - overlap, now), diff with the mirror, log events.

Order matters for "no change is missed": each event is written to the durable event log before the mirror is
updated, and the cursor moves only after the whole window was read. Re-reading (the overlap, a crash mid-poll)
is harmless: a ticket whose modifiedTime equals its snapshot's is skipped, and event ids are deterministic.
The first poll backfills the mirror without events (rules react to changes, not to history).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog

from worker.batching import batched
from worker.changes import Observation, is_closed, observe
from worker.desk.client import DeskClient
from worker.desk.errors import Forbidden, NotFound, ScopeMismatch
from worker.desk.paging import MAX_LIMIT, iter_offset, iter_windowed
from worker.engine.values import parse_time
from worker.store import Store
from worker.store.events import event_id
from worker.store.keys import server_now
from worker.timeline_keeper import TimelineKeeper

DEFAULT_OVERLAP = timedelta(seconds=30)
# The window's upper bound runs this far past our clock, so a Desk whose clock is ahead is not missed.
FUTURE_ALLOWANCE = timedelta(days=1)
CLOSED_RETENTION = timedelta(days=7)
MIRROR_BATCH = 100
log = structlog.get_logger(__name__)

SendEvent = Callable[[str], None]


@dataclass
class PollResult:
    org_id: str
    window: tuple[datetime | None, datetime]
    seen: int = 0
    events: list[str] = field(default_factory=list)
    backfilled: bool = False


@dataclass
class Poller:
    client: DeskClient
    store: Store
    send: SendEvent
    overlap: timedelta = DEFAULT_OVERLAP
    timelines: TimelineKeeper | None = None  # kept only when SLA policies need them
    heartbeat: Callable[[], None] = lambda: None  # called as pages are read: keeps this poll's lease alive

    @property
    def org_id(self) -> str:
        return self.client.org_id

    def poll(self) -> PollResult:
        now = server_now(self.store.redis)
        if not self.store.mirror.is_backfilled(self.org_id):
            return self._backfill(now)
        cursor = self.store.cursors.get(self.org_id) or now
        start = cursor - self.overlap
        result = PollResult(self.org_id, (start, now))
        for batch in batched(self._changed_since(start, now + FUTURE_ALLOWANCE), MIRROR_BATCH):
            self._absorb(batch, start, result)
            self.heartbeat()
        self.store.cursors.advance(self.org_id, now)
        if self.timelines is not None:
            self.timelines.fill()
        log.info("poll.done", org=self.org_id, seen=result.seen, events=len(result.events))
        return result

    def _backfill(self, now: datetime) -> PollResult:
        result = PollResult(self.org_id, (None, now), backfilled=True)
        for batch in batched(self._changed_since(None, now + FUTURE_ALLOWANCE), MIRROR_BATCH):
            result.seen += len(batch)
            # A ticket changed while the backfill runs is left to the next poll, which sees it as an event.
            self.heartbeat()
            settled = [ticket for ticket in batch if (parse_time(ticket.get("modifiedTime")) or now) <= now]
            self.store.mirror.put_many(self.org_id, {ticket["id"]: ticket for ticket in settled if _keep(ticket, now)})
            if self.timelines is not None:
                self.timelines.schedule_fill(settled)
        self.store.cursors.advance(self.org_id, now)
        self.store.mirror.mark_backfilled(self.org_id)
        log.info("poll.backfilled", org=self.org_id, tickets=result.seen)
        return result

    def _changed_since(self, start: datetime | None, end: datetime) -> Iterator[dict[str, Any]]:
        """Tickets modified in [start, end) by search; a full list scan where search is refused."""
        try:
            yield from self._search(start, end)
        except (ScopeMismatch, Forbidden, NotFound) as exc:
            log.warning("poll.search_refused", org=self.org_id, error=exc.code, fallback="list")
            yield from self._list_scan(start)

    def _search(self, start: datetime | None, end: datetime) -> Iterator[dict[str, Any]]:
        request = self.client.transport.request

        def fetch(window: str | None, from_: int, limit: int) -> list[dict[str, Any]]:
            params = {"from": from_, "limit": limit, "sortBy": "modifiedTime", "modifiedTimeRange": window}
            body = request("GET", "/tickets/search", params=params)
            return (body or {}).get("data") or []

        return iter_windowed(fetch, time_of=lambda t: parse_time(t.get("modifiedTime")), id_of=lambda t: t["id"], start=start, end=end)

    def _list_scan(self, start: datetime | None) -> Iterator[dict[str, Any]]:
        request = self.client.transport.request
        include = "contacts,products,assignee,departments"

        def fetch(from_: int, limit: int) -> list[dict[str, Any]]:
            body = request("GET", "/tickets", params={"from": from_, "limit": limit, "include": include})
            return (body or {}).get("data") or []

        for ticket in iter_offset(fetch, limit=MAX_LIMIT):
            modified = parse_time(ticket.get("modifiedTime"))
            if start is None or modified is None or modified >= start:
                yield ticket

    def _absorb(self, batch: list[dict[str, Any]], window_start: datetime, result: PollResult) -> None:
        snapshots = self.store.mirror.get_many(self.org_id, [ticket["id"] for ticket in batch])
        keep: dict[str, dict[str, Any]] = {}
        drop: list[str] = []
        changed: list[tuple[dict[str, Any] | None, dict[str, Any], Observation]] = []
        for ticket in batch:
            result.seen += 1
            previous = snapshots.get(ticket["id"])
            if previous is not None and previous.get("modifiedTime") == ticket.get("modifiedTime"):
                continue
            observation = observe(previous, ticket, window_start, parse_time(ticket.get("createdTime")))
            changed.append((previous, ticket, observation))
            for kind in observation.kinds:
                self._log_event(kind, ticket, previous, observation, result)
            if _keep(ticket, result.window[1]):
                keep[ticket["id"]] = ticket
            else:
                drop.append(ticket["id"])
        if self.timelines is not None:
            self.timelines.observe(item for item in changed if item[1]["id"] in keep)
            self.timelines.drop(drop)
        self.store.mirror.put_many(self.org_id, keep)
        self.store.mirror.drop(self.org_id, drop)

    def _log_event(self, kind: str, ticket: dict[str, Any], previous: dict[str, Any] | None, seen: Observation, result: PollResult) -> None:
        new_id = event_id(self.org_id, ticket["id"], ticket.get("modifiedTime") or "", kind)
        if self.store.events.get(new_id) is not None:
            return
        event = {
            "id": new_id,
            "org": self.org_id,
            "kind": kind,
            "ticket_id": ticket["id"],
            "modifiedTime": ticket.get("modifiedTime"),
            "changes": {name: list(pair) for name, pair in seen.changes.items()},
            "by_deskpilot": self._made_by_deskpilot(kind, ticket["id"], seen),
            "ticket": ticket,
            "previous": previous,
            "observed_at": result.window[1].isoformat(),
        }
        if self.store.events.append(event):
            result.events.append(new_id)
            self.send(new_id)

    def _made_by_deskpilot(self, kind: str, ticket_id: str, seen: Observation) -> bool:
        """True when every change of this kind is one deskpilot wrote itself (the loop guard)."""
        own = self.store.own_writes
        if kind == "ticket.updated":
            ours = own.consume_fields(self.org_id, ticket_id, seen.changes)
            return bool(seen.changes) and ours == set(seen.changes)
        if kind == "ticket.commented":
            return own.consume_count(self.org_id, ticket_id, "commentCount", seen.new_comments) == seen.new_comments
        return False


def _keep(ticket: dict[str, Any], now: datetime) -> bool:
    """The mirror holds open tickets and those closed within the retention window."""
    if not is_closed(ticket):
        return True
    closed = parse_time(ticket.get("closedTime"))
    return closed is None or now - closed < CLOSED_RETENTION
