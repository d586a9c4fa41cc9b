"""Figures too costly for a request, refreshed by a background thread: the SLA forecast over every mirrored
ticket and the ticket-number index (a person types #1042, the mirror is keyed by id).

Each refresh reads the mirror once (10,000 tickets: a few hundred ms), so pages serve the last result and say
how old it is.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis as redis_lib
import structlog

from worker.engine.ruleset import RuleSet
from worker.engine.sla import forecast
from worker.engine.sla.forecast import ForecastRow
from worker.engine.sla.timeline import Timeline
from worker.store import Store
from worker.store.keys import server_now

REFRESH_S = 30.0
FORECAST_WITHIN = timedelta(hours=8)
SCAN_BATCH = 1000
NUMBER = re.compile(r'"ticketNumber":\s*"?(\w+)')
log = structlog.get_logger(__name__)


@dataclass
class Snapshot:
    rows: list[ForecastRow] = field(default_factory=list)
    numbers: dict[str, tuple[str, str]] = field(default_factory=dict)  # ticket number -> (org, ticket id)
    at: datetime | None = None
    seconds: float = 0.0  # what the refresh took


@dataclass
class Snapshots:
    store: Store
    org_ids: list[str]
    rules: Callable[[], RuleSet]
    stop: threading.Event
    refresh_s: float = REFRESH_S
    current: Snapshot = field(default_factory=Snapshot)
    _wake: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="console-snapshots", daemon=True)
        thread.start()
        return thread

    def refresh_soon(self) -> None:
        """A ticket number was not found: the index may be older than the ticket."""
        self._wake.set()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.refresh()
            except (redis_lib.RedisError, OSError, ValueError) as exc:  # ValueError: the client closed at exit
                if self.stop.is_set():
                    return
                log.warning("console.snapshot_failed", error=type(exc).__name__)
            self._wake.wait(self.refresh_s)
            self._wake.clear()

    def refresh(self) -> None:
        started = time.monotonic()
        numbers: dict[str, tuple[str, str]] = {}
        now, rules = server_now(self.store.redis), self.rules()
        tickets = list(self._tickets(numbers, with_timelines=bool(rules.sla_policies)))
        rows = forecast(rules, tickets, now, FORECAST_WITHIN)
        self.current = Snapshot(rows, numbers, now, round(time.monotonic() - started, 3))

    def _tickets(self, numbers: dict[str, tuple[str, str]], with_timelines: bool) -> Iterator[tuple[dict, Timeline]]:
        """Every mirrored ticket with a timeline (none when no policy needs them), noting each number on the way."""
        redis, key = self.store.redis, self.store.keys.key
        for org_id in self.org_ids:
            batch: list[tuple[str, str]] = []
            for ticket_id, raw in redis.hscan_iter(key("mirror", org_id), count=SCAN_BATCH):
                found = NUMBER.search(raw)
                if found:
                    numbers[found.group(1)] = (org_id, ticket_id)
                if with_timelines:
                    batch.append((ticket_id, raw))
                if len(batch) >= SCAN_BATCH:
                    yield from self._with_timelines(org_id, batch)
                    batch = []
            yield from self._with_timelines(org_id, batch)

    def _with_timelines(self, org_id: str, batch: list[tuple[str, str]]) -> Iterator[tuple[dict, Timeline]]:
        timelines = self.store.timelines.get_many(org_id, [ticket_id for ticket_id, _ in batch])
        for ticket_id, raw in batch:
            if ticket_id not in timelines:
                continue
            try:
                timeline = Timeline.from_dict(timelines[ticket_id])
            except ValueError:  # one unreadable timeline leaves its ticket out, not the board empty
                continue
            yield json.loads(raw), timeline
