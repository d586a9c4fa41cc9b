"""The log of deliveries the sandbox made (or dropped), for tests and the demo: what went where, how it ended.

An entry keeps the exact request it sent (headers and body), so a control can replay it byte for byte.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_ENTRIES = 10_000
Kind = Literal["first", "duplicate", "replay"]
Outcome = Literal["delivered", "failed", "timeout", "unreachable", "gone", "dropped", "cancelled"]


@dataclass(frozen=True)
class Request:
    """One send as it went out."""

    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Delivery:
    """One delivery of one webhook: its events (as the body's array) and, once finished, how it ended."""

    webhook_id: str
    org_id: str
    url: str
    events: list[dict[str, Any]]
    kind: Kind
    queued_at: str
    outcome: Outcome | None = None
    status: int | None = None
    sent_at: str | None = None
    duration_ms: float | None = None
    jti: str | None = None
    request: Request | None = None
    seq: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "webhookId": self.webhook_id,
            "orgId": self.org_id,
            "url": self.url,
            "eventTypes": [event["eventType"] for event in self.events],
            "ticketIds": [_ticket_id(event) for event in self.events],
            "kind": self.kind,
            "outcome": self.outcome,
            "status": self.status,
            "queuedAt": self.queued_at,
            "sentAt": self.sent_at,
            "durationMs": self.duration_ms,
            "jti": self.jti,
            "body": self.events,
        }


def _ticket_id(event: dict[str, Any]) -> str | None:
    payload = event.get("payload") or {}
    return payload.get("ticketId") or payload.get("id")


@dataclass
class DeliveryLog:
    entries: deque[Delivery] = field(default_factory=lambda: deque(maxlen=MAX_ENTRIES))
    counts: Counter[str] = field(default_factory=Counter)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    def record(self, delivery: Delivery) -> Delivery:
        delivery.seq = next(self._seq)
        self.entries.append(delivery)
        self.counts[delivery.outcome or "unknown"] += 1
        return delivery

    def since(self, seq: int, webhook_id: str | None = None) -> list[Delivery]:
        return [
            entry
            for entry in self.entries
            if entry.seq > seq and (webhook_id is None or entry.webhook_id == webhook_id)
        ]

    def get(self, seq: int) -> Delivery | None:
        return next((entry for entry in self.entries if entry.seq == seq), None)

    def clear(self) -> None:
        self.entries.clear()
        self.counts.clear()
