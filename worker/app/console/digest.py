"""What the console shows from the audit stream, kept up to date in memory so no page reads 100,000 entries.

`Digest.add` takes each audit entry once (oldest first, as the tailer reads the stream) and keeps per-minute
counts for the last day (events, actions, each rule's fires and failures), each rule's last fire and last error,
the stream ids of each ticket's entries (the ticket view reads only those), the day's SLA levels and the
change-to-action latencies of the last hour. Pure: no Redis here (see tailer.py).
"""

from __future__ import annotations

import statistics
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

MINUTE_MS = 60_000
DAY_MINUTES = 24 * 60
HOUR_MS = 60 * MINUTE_MS
PER_TICKET_MAX = 500  # the newest entries kept per ticket for its timeline
SLA_KEPT = 2_000
ERROR_TEXT_MAX = 300
DONE_OUTCOMES = frozenset({"done", "verified"})


def entry_ms(entry_id: str) -> int:
    """A stream id starts with the Redis server's milliseconds."""
    return int(entry_id.split("-", 1)[0])


@dataclass
class RuleFigures:
    fires: int = 0
    failures: int = 0
    last_fired_ms: int | None = None
    last_error: str | None = None
    last_error_ms: int | None = None


@dataclass
class Digest:
    minutes: dict[int, Counter[tuple[str, ...]]] = field(default_factory=dict)
    last_fired: dict[str, int] = field(default_factory=dict)
    last_error: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_ticket: dict[str, deque[str]] = field(default_factory=dict)
    sla_levels: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=SLA_KEPT))
    latencies: deque[tuple[int, float]] = field(default_factory=deque)  # (action's ms, seconds since the change)
    last_id: str = "0-0"
    _last_event: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry_id: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._add(entry_id, entry)

    def _add(self, entry_id: str, entry: dict[str, Any]) -> None:
        ms = entry_ms(entry_id)
        self.last_id = entry_id
        minute = self.minutes.setdefault(ms // MINUTE_MS, Counter())
        ticket = str(entry.get("ticket") or "")
        if ticket:
            self.by_ticket.setdefault(ticket, deque(maxlen=PER_TICKET_MAX)).append(entry_id)
        rule = str(entry.get("rule") or "")
        kind = entry.get("entry")
        if kind == "evaluation":
            event = str(entry.get("event") or "")
            if event != self._last_event:  # an event's verdicts are written together, one after another
                minute["events",] += 1
                self._last_event = event
            verdict = entry.get("verdict") or {}
            if verdict.get("status") == "fired":
                minute["fired", rule] += 1
                self.last_fired[rule] = ms
            elif verdict.get("status") == "failed":
                self._failure(minute, rule, ms, str(verdict.get("reason") or "failed"))
        elif kind == "action":
            minute["actions",] += 1
            if entry.get("outcome") == "failed":
                self._failure(minute, rule, ms, f"{entry.get('type')}: {entry.get('detail') or 'failed'}")
        elif kind == "sla":
            self.sla_levels.append({"ms": ms, **entry})
            if entry.get("error"):
                self._failure(minute, rule, ms, str(entry["error"]))
            elif not entry.get("backlog"):
                minute["fired", rule] += 1
                self.last_fired[rule] = ms

    def _failure(self, minute: Counter[tuple[str, ...]], rule: str, ms: int, text: str) -> None:
        minute["failed", rule] += 1
        self.last_error[rule] = (ms, text[:ERROR_TEXT_MAX])

    def add_latency(self, action_ms: int, seconds: float) -> None:
        with self._lock:
            self.latencies.append((action_ms, seconds))

    def prune(self, now_ms: int) -> None:
        """Forget minutes older than a day and latencies older than an hour."""
        with self._lock:
            oldest = now_ms // MINUTE_MS - DAY_MINUTES
            for minute in [m for m in self.minutes if m < oldest]:
                del self.minutes[minute]
            while self.latencies and self.latencies[0][0] < now_ms - HOUR_MS:
                self.latencies.popleft()

    def forget_before(self, oldest_id: str) -> None:
        """Drop ticket index entries the stream no longer holds (it is capped), so the index stays its size."""
        oldest_ms = entry_ms(oldest_id)
        with self._lock:
            for ticket in list(self.by_ticket):
                ids = self.by_ticket[ticket]
                while ids and entry_ms(ids[0]) < oldest_ms:
                    ids.popleft()
                if not ids:
                    del self.by_ticket[ticket]

    def rule_figures(self, now_ms: int) -> dict[str, RuleFigures]:
        """Fires and failures per rule over the last 24 hours, with the last fire and error ever seen."""
        figures: dict[str, RuleFigures] = {}
        oldest = now_ms // MINUTE_MS - DAY_MINUTES
        with self._lock:
            for minute, counts in self.minutes.items():
                if minute < oldest:
                    continue
                for key, count in counts.items():
                    if key[0] == "fired":
                        figures.setdefault(key[1], RuleFigures()).fires += count
                    elif key[0] == "failed":
                        figures.setdefault(key[1], RuleFigures()).failures += count
            for rule, ms in self.last_fired.items():
                figures.setdefault(rule, RuleFigures()).last_fired_ms = ms
            for rule, (ms, text) in self.last_error.items():
                figure = figures.setdefault(rule, RuleFigures())
                figure.last_error, figure.last_error_ms = text, ms
        return figures

    def per_minute(self, name: str, now_ms: int, minutes: int = 60) -> list[int]:
        """Counts of `name` ("events" or "actions") for each of the last `minutes` minutes, oldest first."""
        last = now_ms // MINUTE_MS
        with self._lock:
            return [self.minutes.get(minute, Counter())[name,] for minute in range(last - minutes + 1, last + 1)]

    def latency(self, now_ms: int) -> dict[str, Any]:
        """Change-to-action latency over the last hour: p50, p95, count, and the median of each minute."""
        with self._lock:
            recent = [(ms, seconds) for ms, seconds in self.latencies if ms >= now_ms - HOUR_MS]
        values = sorted(seconds for _, seconds in recent)
        by_minute: dict[int, list[float]] = {}
        for ms, seconds in recent:
            by_minute.setdefault(ms // MINUTE_MS, []).append(seconds)
        last = now_ms // MINUTE_MS
        series = [statistics.median(by_minute[m]) if m in by_minute else 0.0 for m in range(last - 59, last + 1)]
        return {"p50": _share(values, 0.5), "p95": _share(values, 0.95), "count": len(values), "series": series}

    def ticket_entries(self, ticket_id: str) -> list[str]:
        with self._lock:
            return list(self.by_ticket.get(ticket_id, ()))

    def sla_since(self, since_ms: int) -> list[dict[str, Any]]:
        with self._lock:
            return [level for level in self.sla_levels if level["ms"] >= since_ms]


def _share(values: list[float], share: float) -> float | None:
    """The value below which `share` of the sorted values lie (nearest rank)."""
    if not values:
        return None
    return round(values[min(len(values) - 1, int(share * len(values)))], 3)
