"""Change detection for one org: search by modifiedTime from where the index has shown changes (poll_window), diff
with the mirror and log events (ingest/absorb.py, the path the webhook ingress shares).

Order matters for "no change is missed": each event is written to the durable event log before the mirror is
updated, and the marks move only after the whole window was read; an answer that is not a page (search_pages)
ends the poll with the marks where they were. Re-reading (the overlap, a crash mid-poll) is harmless: a ticket
not newer than its snapshot is skipped, and event ids are deterministic. The first poll backfills the mirror
without events (rules react to changes, not to history). A ticket closed long enough leaves the mirror
for a compact snapshot (store/closed.py), so its reopening is still a change with a before and an after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

import structlog

from worker.desk.client import DeskClient
from worker.desk.errors import Forbidden, MalformedResponse, NotFound, ScopeMismatch
from worker.engine.values import parse_time
from worker.ingest.absorb import Absorber, SendEvent, keeps
from worker.ingest.activity_sync import ActivityKeeper
from worker.ingest.diff import compact
from worker.ingest.search_answers import ItemKeys, item_problem
from worker.ingest.timeline_sync import TimelineKeeper
from worker.ingest.window import DEFAULT_MAX_INDEX_LAG, DEFAULT_OVERLAP, LAG_MEMORY, index_lag, window_start
from worker.store import Store
from worker.store.keys import server_now

# The window's upper bound runs this far past our clock, so a Desk whose clock is ahead is not missed.
FUTURE_ALLOWANCE = timedelta(days=1)
MIRROR_BATCH = 100
log = structlog.get_logger(__name__)
T = TypeVar("T")


@dataclass
class PollResult:
    org_id: str
    window: tuple[datetime | None, datetime]
    seen: int = 0
    events: list[str] = field(default_factory=list)
    backfilled: bool = False
    previous_cursor: datetime | None = None  # when the poll before this one ran
    newest: datetime | None = None  # the newest modifiedTime the search showed
    skipped: int = 0  # malformed items
    failed: bool = False  # the search answered something that is not a page: the marks did not move
    latest_lag: timedelta = timedelta()  # the largest index lateness seen in this poll


@dataclass
class Poller:
    client: DeskClient
    store: Store
    send: SendEvent
    overlap: timedelta = DEFAULT_OVERLAP
    max_index_lag: timedelta = DEFAULT_MAX_INDEX_LAG
    timelines: TimelineKeeper | None = None  # kept only when SLA policies need them
    activity: ActivityKeeper | None = None  # ticket activity and event actors (ingest/activity_sync.py)
    heartbeat: Callable[[], None] = lambda: None  # called as pages are read: keeps this poll's lease alive

    @property
    def org_id(self) -> str:
        return self.client.org_id

    @property
    def absorber(self) -> Absorber:
        return Absorber(self.client, self.store, self.send, self.timelines, self.activity)

    def poll(self) -> PollResult:
        now = server_now(self.store.redis)
        try:
            if not self.store.mirror.is_backfilled(self.org_id):
                return self._backfill(now)
            if not self.store.closed.is_filled(self.org_id):
                return self._fill_closed(now)
            return self._poll(now)
        except MalformedResponse as exc:  # not "no changes" (BadSearchAnswer, a null body): the window is read again
            self.store.metrics.incr("search_bad_answers_total", self.org_id)
            log.warning("poll.bad_answer", org=self.org_id, error=str(exc), cursor="kept")
            return PollResult(self.org_id, (None, now), failed=True)

    def _poll(self, now: datetime) -> PollResult:
        cursor = self.store.cursors.get(self.org_id) or now
        start = window_start(
            cursor,
            self.store.cursors.shown(self.org_id),
            self.overlap,
            self.max_index_lag,
            self.store.cursors.recent_lag(self.org_id),
        )
        result = PollResult(self.org_id, (start, now), previous_cursor=cursor)
        for batch in _batches(self._usable(self._changed_since(start, now + FUTURE_ALLOWANCE), result), MIRROR_BATCH):
            self._absorb(batch, start, result)
            self.heartbeat()
        self._move_marks(now, result.newest)
        if result.latest_lag > timedelta():  # one write per poll, not one per late change
            self.store.cursors.note_lag(self.org_id, result.latest_lag, LAG_MEMORY)
        if self.timelines is not None:
            self.timelines.fill()
        log.info("poll.done", org=self.org_id, seen=result.seen, events=len(result.events), skipped=result.skipped)
        return result

    def _backfill(self, now: datetime) -> PollResult:
        result = PollResult(self.org_id, (None, now), backfilled=True)
        for batch in _batches(self._usable(self._changed_since(None, now + FUTURE_ALLOWANCE), result), MIRROR_BATCH):
            result.seen += len(batch)
            # A ticket changed while the backfill runs is left to the next poll, which sees it as an event.
            self.heartbeat()
            settled = [ticket for ticket in batch if (parse_time(ticket.get("modifiedTime")) or now) <= now]
            self.absorber.store_snapshots({ticket["id"]: ticket for ticket in settled}, now, revived=set())
            if self.timelines is not None:
                self.timelines.schedule_fill(settled)
        self._move_marks(now, min(result.newest, now) if result.newest else None)
        self.store.mirror.mark_backfilled(self.org_id)
        self.store.closed.mark_filled(self.org_id)
        log.info("poll.backfilled", org=self.org_id, tickets=result.seen, skipped=result.skipped)
        return result

    def _fill_closed(self, now: datetime) -> PollResult:
        """Once, for a mirror backfilled before closed tickets got snapshots: one for each closed ticket that has
        none, as it was at the cursor (a later change is the next poll's, diffed against it)."""
        cursor = self.store.cursors.get(self.org_id) or now
        result = PollResult(self.org_id, (None, cursor), backfilled=True)
        for batch in _batches(self._usable(self._changed_since(None, cursor), result), MIRROR_BATCH):
            result.seen += len(batch)
            self.heartbeat()
            ids = [ticket["id"] for ticket in batch]
            known = (
                self.store.mirror.get_many(self.org_id, ids).keys()
                | self.store.closed.get_many(self.org_id, ids).keys()
            )
            missing = {
                ticket["id"]: compact(ticket)
                for ticket in batch
                if ticket["id"] not in known and not keeps(ticket, now)
            }
            self.store.closed.put_many(self.org_id, missing)
        self.store.closed.mark_filled(self.org_id)
        log.info("poll.closed_filled", org=self.org_id, tickets=result.seen, closed=self.store.closed.size(self.org_id))
        return result

    def _move_marks(self, now: datetime, newest: datetime | None) -> None:
        self.store.cursors.advance(self.org_id, now)
        if newest is not None:
            self.store.cursors.note_shown(self.org_id, newest)

    def _usable(self, items: Iterator[Any], result: PollResult) -> Iterator[dict[str, Any]]:
        """The items that can be diffed; each malformed one is skipped with one warning, the rest go on."""
        for item in items:
            problem = item_problem(item)
            if problem is not None:
                result.skipped += 1
                self.store.metrics.incr("search_items_skipped_total", self.org_id)
                ticket = item.get("id") if isinstance(item, dict) else None
                log.warning(
                    "poll.item_skipped",
                    org=self.org_id,
                    ticket=ticket if isinstance(ticket, str) else None,
                    reason=problem,
                )
                continue
            modified = modified_time(item)
            result.newest = modified if result.newest is None else max(result.newest, modified)
            yield item

    def _changed_since(self, start: datetime | None, end: datetime) -> Iterator[dict[str, Any]]:
        """Tickets modified in [start, end) by search; a full list scan where search is refused."""
        try:
            yield from self._search(start, end)
        except (ScopeMismatch, Forbidden, NotFound) as exc:
            log.warning("poll.search_refused", org=self.org_id, error=exc.error_code, fallback="list")
            yield from self._list_scan(start)

    def _search(self, start: datetime | None, end: datetime) -> Iterator[Any]:
        """The search's items as the Desk sent them, malformed ones placed by ItemKeys (skipped by _usable)."""
        return self.client.searches.iter_ticket_items(modified_from=start, modified_to=end, keys=ItemKeys(start))

    def _list_scan(self, start: datetime | None) -> Iterator[Any]:
        for ticket in self.client.tickets.iter_items(include="contacts,products,assignee,departments"):
            modified = parse_time(ticket.get("modifiedTime")) if isinstance(ticket, dict) else None
            if start is None or modified is None or modified >= start:
                yield ticket

    def _absorb(self, batch: list[dict[str, Any]], window_start: datetime, result: PollResult) -> None:
        result.seen += len(batch)
        absorbed = self.absorber.absorb(
            batch, window_start, result.window[1], on_change=lambda ticket: self._note_lateness(ticket, result)
        )
        result.events.extend(absorbed.events)

    def _note_lateness(self, ticket: dict[str, Any], result: PollResult) -> None:
        """A change the previous poll should have seen but the index did not show yet: warned past the overlap."""
        if result.previous_cursor is None:
            return
        lag = index_lag(result.previous_cursor, modified_time(ticket))
        result.latest_lag = max(result.latest_lag, lag)
        if lag > self.overlap:
            self.store.metrics.incr("late_changes_total", self.org_id)
            log.warning(
                "poll.index_lag",
                org=self.org_id,
                ticket=ticket["id"],
                lag_s=round(lag.total_seconds(), 1),
                overlap_s=self.overlap.total_seconds(),
            )


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` a list of `size` at a time (itertools.batched, from Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def modified_time(item: Mapping[str, Any]) -> datetime:
    """The change time of a usable item (item_problem skips those without one)."""
    moment = parse_time(item["modifiedTime"])
    assert moment is not None, "item_problem lets no item without a modifiedTime through"
    return moment
