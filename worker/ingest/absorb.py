"""One path from "these tickets as the Desk shows them now" to events: diff with the mirror, loop guard, append to
the event log, then the mirror. The poller and the webhook ingress both call it, so a change seen by both yields
one event by construction: ids are deterministic (org, ticket, modifiedTime, kind), a ticket whose modifiedTime is
not newer than its snapshot's is skipped (a re-read, or an older delivery arriving late never overwrites newer
state), and the changed tickets are locked from the snapshot's read to the mirror's write (store/ticket_locks.py),
so two paths holding two states of one ticket never both diff against the same old snapshot; the mirror write
itself keeps the newer snapshot besides (Mirror.put_newer).

Order matters for "no change is missed, none acted on twice": a batch's events are appended to the durable event
log and its snapshots written to the mirror in one transaction, and the events are sent only after it (an action
taken on an event whose change the mirror did not hold would make the next read see the same change again as a
new event; a logged event never sent, after a crash right there, is pending and the reconciler sends it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.engine.values import is_closed, parse_time
from worker.ingest.activity_sync import ActivityKeeper
from worker.ingest.diff import Observation, compact, observe
from worker.ingest.loop_guard import made_by_deskpilot
from worker.ingest.timeline_sync import TimelineKeeper
from worker.store import Store
from worker.store.events import event_id
from worker.store.records import EventRecord
from worker.store.ticket_hash import Writer
from worker.store.ticket_locks import TicketLocks

CLOSED_RETENTION = timedelta(days=7)
LOCK_LEASE_MS = 30_000  # a holder that dies lets its tickets go after this
LOCK_WAIT_S = 10.0
LOCK_POLL_S = 0.02
log = structlog.get_logger(__name__)


class TicketsBusy(Exception):
    """Another path is absorbing some of these tickets right now (retry, or take them another way)."""


SendEvent = Callable[[str], object]  # an actor's send: what it returns is not used
Changed = tuple[dict[str, Any] | None, dict[str, Any], Observation]


@dataclass
class Absorbed:
    """What one batch brought: the new events (logged and sent) and the tickets that changed."""

    events: list[str] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    stale: int = 0  # tickets older than their snapshot: skipped


@dataclass
class Absorber:
    client: DeskClient
    store: Store
    send: SendEvent
    timelines: TimelineKeeper | None = None  # kept only when SLA policies need them
    activity: ActivityKeeper | None = None  # anchors, counters and actors rules read (activity_sync.py)
    source: str = "poll"  # what saw the changes: "poll" or "webhook", kept with each event and counted
    _verdicts: dict[tuple[str, str, str], bool] = field(default_factory=dict)  # loop guard verdicts of this batch

    @property
    def org_id(self) -> str:
        return self.client.org_id

    def absorb(
        self,
        batch: list[dict[str, Any]],
        window_start: datetime,
        observed_at: datetime,
        on_change: Callable[[dict[str, Any]], None] = lambda _ticket: None,
        wait_s: float = LOCK_WAIT_S,
    ) -> Absorbed:
        """Diff `batch` (usable tickets: each has an id and a modifiedTime) with the mirror and log its events.
        `window_start`: a ticket the mirror never saw is `ticket.created` if created since; `on_change` is called
        for each ticket that changed (the poller measures index lateness with it). The changed tickets are locked
        while they are absorbed (store/ticket_locks.py); `wait_s`: how long to wait for one another path holds
        (TicketsBusy after)."""
        result = Absorbed()
        snapshots, archived = self._snapshots([ticket["id"] for ticket in batch])
        candidates = [ticket for ticket in batch if self._fresh(ticket, snapshots, archived, result)]
        if not candidates:
            return result
        owner = uuid.uuid4().hex
        held = self._take([ticket["id"] for ticket in candidates], owner, wait_s)
        try:  # read again under the locks: another path may have absorbed a later state meanwhile
            snapshots, archived = self._snapshots(sorted(held))
            fresh = [ticket for ticket in candidates if self._fresh(ticket, snapshots, archived, result)]
            self._absorb(fresh, snapshots, archived, window_start, observed_at, on_change, result)
        finally:
            self.locks.release(self.org_id, held, owner)
        return result

    def _absorb(
        self,
        batch: list[dict[str, Any]],
        snapshots: dict[str, dict[str, Any]],
        archived: dict[str, dict[str, Any]],
        window_start: datetime,
        observed_at: datetime,
        on_change: Callable[[dict[str, Any]], None],
        result: Absorbed,
    ) -> None:
        records: list[EventRecord] = []
        for ticket in batch:
            previous = snapshots.get(ticket["id"]) or archived.get(ticket["id"])
            on_change(ticket)
            observation = observe(previous, ticket, window_start, parse_time(ticket.get("createdTime")))
            if previous is None and observation.kinds == ("ticket.updated",):
                self.store.metrics.incr("changes_without_snapshot_total", self.org_id)
                log.info("ingest.no_snapshot", org=self.org_id, ticket=ticket["id"])
            result.changed.append((previous, ticket, observation))
            if self.activity is not None:
                self.activity.observe(previous, ticket, observation)
            for kind in observation.kinds:
                record = self.event_record(kind, ticket, previous, observation, observed_at)
                if record is not None:
                    records.append(record)
        if self.activity is not None:  # before the events and the mirror: a replay folds nothing twice (as_of)
            self.activity.save()
        logged, kept = self._log_with_snapshots(records, result.changed, observed_at, revived=set(archived))
        for new_id in logged:
            self.send(new_id)
        result.events = logged
        if self.timelines is not None:
            self.timelines.observe(item for item in result.changed if item[1]["id"] in kept)
            self.timelines.drop([ticket["id"] for _, ticket, _ in result.changed if ticket["id"] not in kept])

    @cached_property
    def locks(self) -> TicketLocks:
        return TicketLocks(self.store.redis, self.store.keys)

    def _snapshots(self, ids: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """The mirror's snapshots of `ids`, and the closed archive's of those the mirror lacks."""
        snapshots = self.store.mirror.get_many(self.org_id, ids)
        archived = self.store.closed.get_many(
            self.org_id, [ticket_id for ticket_id in ids if ticket_id not in snapshots]
        )
        return snapshots, archived

    @staticmethod
    def _fresh(ticket: dict[str, Any], snapshots: dict[str, Any], archived: dict[str, Any], result: Absorbed) -> bool:
        """True when `ticket` is newer than its snapshot (or has none); a stale one is counted."""
        previous = snapshots.get(ticket["id"]) or archived.get(ticket["id"])
        if previous is None or _newer(ticket, previous):
            return True
        result.stale += previous.get("modifiedTime") != ticket.get("modifiedTime")
        return False

    def _take(self, ids: list[str], owner: str, wait_s: float) -> set[str]:
        """Lock `ids` for this absorb, waiting up to `wait_s` for those another path holds; TicketsBusy after."""
        held = self.locks.take(self.org_id, ids, owner, LOCK_LEASE_MS)
        deadline = time.monotonic() + wait_s
        while len(held) < len(ids):
            if time.monotonic() >= deadline:
                self.locks.release(self.org_id, held, owner)
                raise TicketsBusy(f"org {self.org_id}: {len(ids) - len(held)} ticket(s) being absorbed elsewhere")
            time.sleep(LOCK_POLL_S)
            held |= self.locks.take(self.org_id, [i for i in ids if i not in held], owner, LOCK_LEASE_MS)
        return held

    def _log_with_snapshots(
        self, records: list[EventRecord], changed: list[Changed], now: datetime, revived: set[str]
    ) -> tuple[list[str], set[str]]:
        """Append the events and write the batch's snapshots in one MULTI/EXEC: a worker dying in between would
        leave events whose change the mirror does not hold, and the next read of the ticket (after an action moved
        its modifiedTime) would see the person's change again as a new event. Returns the new events' ids and the
        ids the mirror keeps."""
        pipe = self.store.redis.pipeline(transaction=True)
        for record in records:
            self.store.events.queue_append(pipe, record)
        kept = self.store_snapshots({ticket["id"]: ticket for _, ticket, _ in changed}, now, revived, client=pipe)
        stored = pipe.execute()[: len(records)]
        logged = [record.id for record, new in zip(records, stored, strict=True) if new]
        if logged:
            self.store.metrics.incr("events_logged_total", self.source, amount=len(logged))
        return logged, kept

    def store_snapshots(
        self, tickets: dict[str, dict[str, Any]], now: datetime, revived: set[str], client: Writer | None = None
    ) -> set[str]:
        """Open and recently closed tickets go to the mirror, the others to the closed archive, compact; returns
        the ids the mirror keeps. `revived`: ids that came from the archive (taken out when the mirror keeps them).
        `client`: a pipeline to queue the writes in."""
        keep = {ticket_id: ticket for ticket_id, ticket in tickets.items() if keeps(ticket, now)}
        archive = {ticket_id: compact(ticket) for ticket_id, ticket in tickets.items() if ticket_id not in keep}
        self.store.mirror.put_newer(self.org_id, keep, client)
        self.store.closed.drop(self.org_id, revived & keep.keys(), client)
        self.store.closed.put_many(self.org_id, archive, client)
        self.store.mirror.drop(self.org_id, archive, client)
        return set(keep)

    def event_record(
        self,
        kind: str,
        ticket: dict[str, Any],
        previous: dict[str, Any] | None,
        seen: Observation,
        observed_at: datetime,
    ) -> EventRecord | None:
        """The event this change makes, or None when the log already has it (a re-read)."""
        new_id = event_id(self.org_id, ticket["id"], ticket.get("modifiedTime") or "", kind)
        if self.store.events.get(new_id) is not None:
            return None
        by_deskpilot = self._own(kind, ticket, seen)
        return EventRecord(
            id=new_id,
            org=self.org_id,
            kind=kind,
            ticket_id=ticket["id"],
            modified_time=ticket.get("modifiedTime"),
            changes=dict(seen.changes),
            by_deskpilot=by_deskpilot,
            ticket=ticket if self.activity is None else self.activity.event_view(kind, ticket, by_deskpilot),
            previous=previous,
            observed_at=observed_at.isoformat(),
            source=self.source,
        )

    def _own(self, kind: str, ticket: dict[str, Any], seen: Observation) -> bool:
        """The loop guard's verdict, asked once per change and kind (a reopen shares its update's)."""
        asked = _fields_kind(kind)
        key = (str(ticket["id"]), str(ticket.get("modifiedTime")), asked)
        if key not in self._verdicts:
            self._verdicts[key] = made_by_deskpilot(self.store.own_writes, self.client, asked, ticket, seen)
        return self._verdicts[key]


def _fields_kind(kind: str) -> str:
    """A reopen is a status change: its loop guard verdict is the change's update's (expectations are used once)."""
    return "ticket.updated" if kind == "ticket.reopened" else kind


def _newer(ticket: dict[str, Any], previous: dict[str, Any]) -> bool:
    """True when `ticket` is a later state than its snapshot (an unreadable snapshot time counts as older)."""
    then = parse_time(previous.get("modifiedTime"))
    now = parse_time(ticket.get("modifiedTime"))
    return then is None or (now is not None and now > then)


def keeps(ticket: dict[str, Any], now: datetime) -> bool:
    """The mirror holds open tickets and those closed within the retention window."""
    if not is_closed(ticket):
        return True
    closed = parse_time(ticket.get("closedTime"))
    return closed is None or now - closed < CLOSED_RETENTION
