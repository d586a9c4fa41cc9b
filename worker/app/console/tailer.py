"""Feeds the console's digest: reads the audit stream once at start (at most its 100,000 entries), then follows it.

One daemon thread per console. Latencies are measured as the demo's summary does (the event's modifiedTime to the
action's audit entry), only for actions of the last hour, with their events read in one pipeline per batch.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import redis as redis_lib
import structlog

from worker.app.console.digest import DONE_OUTCOMES, HOUR_MS, Digest, entry_ms
from worker.engine.values import parse_time
from worker.store import Store
from worker.store.keys import server_ms
from worker.store.records import EventRecord
from worker.store.replies import stream_batches, stream_entries

READ_BATCH = 1000
BLOCK_MS = 500
RETRY_S = 2.0
FORGET_EVERY_S = 600.0  # how often the ticket index drops what the capped stream has trimmed
log = structlog.get_logger(__name__)


def parse_entry(fields: dict[str, str]) -> dict:
    return {"entry": fields.get("entry", ""), **json.loads(fields.get("data") or "{}")}


@dataclass
class AuditTailer:
    store: Store
    digest: Digest
    stop: threading.Event
    caught_up: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="console-audit", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self._follow()
            except (redis_lib.RedisError, OSError, ValueError) as exc:  # ValueError: the client closed at exit
                if self.stop.is_set():
                    return
                log.warning("console.audit_unreadable", error=type(exc).__name__)
                self.stop.wait(RETRY_S)

    def _follow(self) -> None:
        key = self.store.keys.key("audit")
        while not self.caught_up.is_set():  # the backlog, in batches
            start = "(" + self.digest.last_id if self.digest.last_id != "0-0" else "-"
            batch = stream_entries(self.store.redis.xrange(key, min=start, max="+", count=READ_BATCH))
            self.take(batch)
            if len(batch) < READ_BATCH:
                self.caught_up.set()
        forgot_at = time.monotonic()
        while not self.stop.is_set():
            reply = self.store.redis.xread({key: self.digest.last_id}, block=BLOCK_MS, count=READ_BATCH)
            for _, entries in stream_batches(reply):
                self.take(entries)
            self.digest.prune(server_ms(self.store.redis))
            if time.monotonic() - forgot_at >= FORGET_EVERY_S:
                forgot_at = time.monotonic()
                oldest = stream_entries(self.store.redis.xrange(key, count=1))
                if oldest:
                    self.digest.forget_before(oldest[0][0])

    def take(self, batch: list[tuple[str, dict[str, str]]]) -> None:
        recent_from = server_ms(self.store.redis) - HOUR_MS
        timed: list[tuple[int, str]] = []
        for entry_id, fields in batch:
            entry = parse_entry(fields)
            self.digest.add(entry_id, entry)
            ms = entry_ms(entry_id)
            if entry["entry"] == "action" and entry.get("outcome") in DONE_OUTCOMES and ms >= recent_from:
                timed.append((ms, str(entry.get("event") or "")))
        if timed:
            self._latencies(timed)

    def _latencies(self, timed: list[tuple[int, str]]) -> None:
        pipe = self.store.redis.pipeline(transaction=False)
        for _, event_id in timed:
            pipe.get(self.store.keys.key("event", event_id))
        for (ms, _), raw in zip(timed, pipe.execute(), strict=True):
            event = EventRecord.decode(raw) if raw else None
            changed = parse_time(event.modified_time) if event and event.modified_time else None
            if changed is not None:
                self.digest.add_latency(ms, ms / 1000 - changed.timestamp())
