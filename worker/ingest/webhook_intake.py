"""Verified deliveries into events, through the poller's own path (absorb.py): a delivery and a poll of the same
change yield one event, and a delivery older than the mirror's snapshot changes nothing.

`take` runs inside the HTTP answer and calls no Desk API: a delivered ticket usable as it is (webhook_translate)
is absorbed at once; anything else becomes a hint (a durable message) that `fetch` handles in a worker: one GET
of the ticket with the embeds rules read, skipped when the mirror already holds the change.

Two deliveries of one ticket answered at once (two quick edits) are taken one after the other (a lock stripe per
ticket): both diffing against the same old snapshot would log the first edit's change twice. Across processes
absorb.py locks the ticket in Redis; a delivery whose ticket a poll or a hinted read holds becomes a hint
rather than wait inside the answer.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.engine.values import parse_time
from worker.ingest.absorb import LOCK_WAIT_S, Absorber, TicketsBusy
from worker.ingest.webhook_translate import RECORD_EVENTS, TICKET_EVENTS, Delivery, as_snapshot, usable_as_is
from worker.store import Store
from worker.store.keys import server_now

EMBEDS = "contacts,products,assignee,departments"
LOCK_STRIPES = 64
log = structlog.get_logger(__name__)

SendHint = Callable[[str, str, str], object]  # (org, ticket id, the change's time) -> a durable message


@dataclass
class Taken:
    events: list[str] = field(default_factory=list)
    hints: int = 0
    stale: int = 0  # not newer than the mirror: nothing to do
    ignored: int = 0  # event types rules do not read, or an org not backfilled yet


@dataclass
class Intake:
    store: Store
    absorber: Callable[[str], Absorber]  # the org's absorber
    send_hint: SendHint
    overlap: timedelta = timedelta(seconds=30)
    inline: Callable[[], bool] = lambda: True  # False: every delivery a hint (absorbing would call the Desk)
    _stripes: tuple[threading.Lock, ...] = field(
        default_factory=lambda: tuple(threading.Lock() for _ in range(LOCK_STRIPES)), repr=False
    )

    def take(self, deliveries: list[Delivery]) -> Taken:
        taken = Taken()
        for delivery in deliveries:
            self._take_one(delivery, taken)
        return taken

    def _take_one(self, delivery: Delivery, taken: Taken) -> None:
        org_id, ticket_id = delivery.org_id, delivery.ticket_id
        known = delivery.event_type in TICKET_EVENTS or delivery.event_type in RECORD_EVENTS
        if not known or ticket_id is None or not self.store.mirror.is_backfilled(org_id):
            taken.ignored += 1  # before the backfill, the backfill itself reads the ticket
            return
        with self._stripe(org_id, ticket_id):
            self._take_ticket(delivery, org_id, ticket_id, taken)

    def _stripe(self, org_id: str, ticket_id: str) -> threading.Lock:
        return self._stripes[zlib.crc32(f"{org_id}:{ticket_id}".encode()) % LOCK_STRIPES]

    def _take_ticket(self, delivery: Delivery, org_id: str, ticket_id: str, taken: Taken) -> None:
        previous = self._snapshot(org_id, ticket_id)
        if previous is not None and _holds(previous, delivery.seen_time):
            taken.stale += 1
            return
        ticket = delivery.payload
        if delivery.event_type in TICKET_EVENTS and usable_as_is(ticket, previous) and self.inline():
            try:
                taken.events += self._absorb(org_id, as_snapshot(ticket, previous), wait_s=0.0)
                return
            except TicketsBusy:  # a poll or a hinted read holds the ticket: a worker takes it after them
                pass
        self.send_hint(org_id, ticket_id, delivery.seen_time or "")
        taken.hints += 1

    def fetch(self, client: DeskClient, ticket_id: str, seen_time: str) -> list[str]:
        """A hint: the ticket read from the Desk (one call) unless the mirror already holds the change."""
        with self._stripe(client.org_id, ticket_id):
            return self._fetch(client, ticket_id, seen_time)

    def _fetch(self, client: DeskClient, ticket_id: str, seen_time: str) -> list[str]:
        org_id = client.org_id
        previous = self._snapshot(org_id, ticket_id)
        if previous is not None and _holds(previous, seen_time or None):
            return []
        ticket: Any = client.transport.request("GET", f"/tickets/{ticket_id}", params={"include": EMBEDS})
        self.store.metrics.incr("webhook_fetches_total", org_id)
        if not isinstance(ticket, dict) or not ticket.get("id") or parse_time(ticket.get("modifiedTime")) is None:
            log.warning("webhook.fetch_unusable", org=org_id, ticket=ticket_id)
            return []
        return self._absorb(org_id, as_snapshot(ticket, previous))

    def _snapshot(self, org_id: str, ticket_id: str) -> dict[str, Any] | None:
        return self.store.mirror.get(org_id, ticket_id) or self.store.closed.get_many(org_id, [ticket_id]).get(
            ticket_id
        )

    def _absorb(self, org_id: str, ticket: dict[str, Any], wait_s: float = LOCK_WAIT_S) -> list[str]:
        now = server_now(self.store.redis)
        cursor = self.store.cursors.get(org_id) or now
        return self.absorber(org_id).absorb([ticket], cursor - self.overlap, now, wait_s=wait_s).events


def _holds(snapshot: dict[str, Any], seen_time: str | None) -> bool:
    """True when the snapshot is at or past the change (its modifiedTime is not older)."""
    then, seen = parse_time(snapshot.get("modifiedTime")), parse_time(seen_time)
    return then is not None and seen is not None and then >= seen
