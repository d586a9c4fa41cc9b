"""How often each org is polled: polling is the safety net once webhooks deliver.

- `poll`: no receiver (DESKPILOT_WEBHOOK_PORT=0) or no subscription installed for the org: every poll_interval_s.
- `webhook`: subscriptions installed and deliveries arriving: every webhook_poll_interval_s; the poll still reads
  the whole window since the last one, so a dropped delivery is caught at the latest then.
- `fallback`: a poll found changes no delivery had brought, and no delivery arrived for webhook_silence_s
  (deliveries stopped, the receiver is unreachable, a subscription is gone): back to poll_interval_s until a
  delivery arrives again. Logged on each change and shown in /healthz.

The scheduler asks every round (0.25 s); the state is read from Redis at most every REFRESH_S per org.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from config.settings import Settings
from worker.app.subscriptions import ANY_CHANGE, KIND_EVENTS
from worker.store import Store
from worker.store.webhooks import DeliveryStatus, WebhookState

REFRESH_S = 2.0
log = structlog.get_logger(__name__)


def pace(installed: bool, status: DeliveryStatus, now_ms: int, silence_s: float) -> str:
    """The org's mode (pure): poll, webhook or fallback."""
    if not installed:
        return "poll"
    last = status.last_delivery_ms
    silent = last is None or now_ms - last > silence_s * 1000
    missed_since = status.last_missed_ms is not None and (last is None or status.last_missed_ms > last)
    return "fallback" if silent and missed_since else "webhook"


def note_missed(store: Store, org_id: str, event_ids: list[str]) -> int:
    """After a poll: count the events it logged whose kind the org's subscriptions deliver (a change no delivery
    brought); events of kinds not subscribed to (a comment, when no rule reads comments) are no evidence."""
    state = WebhookState(store.redis, store.keys)
    installed = state.installed(org_id)
    if not installed or not event_ids:
        return 0
    subscribed = {event for item in installed.values() for event in item.get("events") or ()}
    kinds = [event.kind for event in map(store.events.get, event_ids) if event is not None]
    missed = sum(1 for kind in kinds if subscribed & set(KIND_EVENTS.get(kind, ANY_CHANGE)))
    if missed:
        state.note_missed(org_id, missed)
    return missed


@dataclass
class PollPace:
    settings: Settings
    state: WebhookState
    now_ms: Callable[[], int]
    _seen: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def interval_s(self, org_id: str) -> float:
        return float(self.info(org_id)["poll_interval_s"])

    def info(self, org_id: str) -> dict[str, Any]:
        """The org's mode, poll interval and delivery figures (cached REFRESH_S)."""
        with self._lock:
            read_at, info = self._seen.get(org_id, (0.0, {}))
            if info and time.monotonic() - read_at < REFRESH_S:
                return info
            fresh = self._read(org_id)
            if info and info["mode"] != fresh["mode"]:
                log.warning("poll.pace", org=org_id, mode=fresh["mode"], was=info["mode"], **_why(fresh))
            elif not info and fresh["mode"] == "fallback":
                log.warning("poll.pace", org=org_id, mode=fresh["mode"], **_why(fresh))
            self._seen[org_id] = (time.monotonic(), fresh)
            return fresh

    def _read(self, org_id: str) -> dict[str, Any]:
        settings = self.settings
        if not settings.webhook_port:
            return {"mode": "poll", "poll_interval_s": settings.poll_interval_s, "receiver": False}
        installed = len(self.state.installed(org_id))
        status = self.state.status(org_id)
        now = self.now_ms()
        mode = pace(bool(installed), status, now, settings.webhook_silence_s)
        interval = settings.webhook_poll_interval_s if mode == "webhook" else settings.poll_interval_s
        return {
            "mode": mode,
            "poll_interval_s": interval,
            "receiver": True,
            "subscriptions": installed,
            "deliveries": status.deliveries,
            "last_delivery_age_s": _age(now, status.last_delivery_ms),
            "changes_missed": status.missed,
            "last_missed_age_s": _age(now, status.last_missed_ms),
        }


def _age(now_ms: int, then_ms: int | None) -> float | None:
    return None if then_ms is None else round(max(now_ms - then_ms, 0) / 1000, 1)


def _why(info: dict[str, Any]) -> dict[str, Any]:
    return {
        "poll_interval_s": info["poll_interval_s"],
        "last_delivery_age_s": info.get("last_delivery_age_s"),
        "last_missed_age_s": info.get("last_missed_age_s"),
    }
