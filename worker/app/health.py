"""/healthz's verdict: are changes being noticed and actions applied? Unhealthy, with the reasons, when

- Redis does not answer (nothing can be noticed, recorded or sent);
- the scheduler's loop has stalled (no poll or sweep tick is sent);
- an org has had no successful poll for max(3 poll intervals, the grace): its changes go unnoticed (unless a poll
  is making progress and none failed since the last success: a long first backfill or catch-up is not a failure),
  the interval being the org's current one (the safety net's long one while webhooks deliver: app/poll_pace.py);
- events or actions are overdue past their deadline by more than max(3 reconcile intervals, the grace): nothing
  is evaluating or applying them (no worker runs, or every one is stuck).

Webhooks that stopped delivering (the poll fell back to the short interval) are a warning, not a 503: polling
still notices every change, only later. Everything is read from Redis, so the one server (the scheduler's)
judges for every worker. The README's operations section says what to do for each reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis as redis_lib

from config.settings import Settings
from worker.store.health import PollHealth
from worker.store.keys import Keys, server_ms
from worker.store.replies import scored
from worker.store.ticks import Ticks

INTERVALS = 3  # missed intervals before the grace's floor is exceeded


@dataclass
class HealthVerdict:
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    dead_letters: int | None = None

    @property
    def healthy(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "reasons": self.reasons,
            "warnings": self.warnings,
            "orgs": self.orgs,
            "pending": self.pending,
            "dead_letters": self.dead_letters,
        }


@dataclass
class HealthCheck:
    redis: redis_lib.Redis
    settings: Settings
    started_ms: int  # Redis time the service started: an org not polled yet is judged from then
    pause_s: Callable[[str], float]  # how long the Desk calls of an org are paused (429 Retry-After)
    scheduler_stalled_s: Callable[[], float | None] = lambda: None  # seconds past due, None when fine or not run here
    webhooks: Callable[[str], dict[str, Any]] | None = None  # an org's poll pace and deliveries (PollPace.info)

    @property
    def key(self) -> Callable[..., str]:
        return Keys(self.settings.redis_namespace).key

    def verdict(self) -> HealthVerdict:
        result = HealthVerdict()
        try:
            now = server_ms(self.redis)
            stalled = self.scheduler_stalled_s()
            if stalled is not None:
                result.reasons.append(f"the scheduler's loop has not completed a round for {stalled:.0f}s")
            self._polls(now, result)
            self._pending(now, result)
            result.dead_letters = int(self.redis.llen(self.key("dlq")))
        except redis_lib.RedisError as exc:
            result.reasons.append(f"Redis does not answer ({type(exc).__name__})")
        return result

    def _polls(self, now: int, result: HealthVerdict) -> None:
        keys = Keys(self.settings.redis_namespace)
        polls, ticks = PollHealth(self.redis, keys), Ticks(self.redis, keys)
        for org_id in self.settings.org_ids:
            hooks = self.webhooks(org_id) if self.webhooks else None
            interval_s = hooks["poll_interval_s"] if hooks else self.settings.poll_interval_s
            limit_s = max(INTERVALS * interval_s, self.settings.health_grace_s)
            record = polls.get(org_id)
            since = max(record.last_ok_ms or 0, self.started_ms)
            age_s = max(now - since, 0) / 1000
            result.orgs[org_id] = {
                "last_successful_poll_age_s": round((now - record.last_ok_ms) / 1000, 1) if record.last_ok_ms else None,
                "consecutive_poll_failures": record.failures,
                "last_poll_error": record.last_error,
                "paused_for_s": self.pause_s(org_id),
                "poll_running": ticks.running(f"poll:{org_id}"),
            }
            if hooks is not None:
                result.orgs[org_id]["webhooks"] = hooks
                if hooks["mode"] == "fallback":
                    result.warnings.append(
                        f"org {org_id}: polls found changes no webhook delivered and none arrived for "
                        f"{self.settings.webhook_silence_s:.0f}s; polling every {interval_s:.0f}s until one does"
                    )
            catching_up = result.orgs[org_id]["poll_running"] and not record.failures
            if age_s > limit_s and not catching_up:
                why = (
                    f"; {record.failures} failed in a row, the last with {record.last_error}" if record.failures else ""
                )
                result.reasons.append(f"org {org_id}: no successful poll for {age_s:.0f}s (limit {limit_s:.0f}s){why}")

    def _pending(self, now: int, result: HealthVerdict) -> None:
        grace_s = max(INTERVALS * self.settings.reconcile_interval_s, self.settings.health_grace_s)
        for name, what in (("events", "evaluated"), ("actions", "applied")):
            oldest = scored(self.redis.zrange(self.key(name, "pending"), 0, 0, withscores=True))
            overdue_s = max(now - oldest[0][1], 0) / 1000 if oldest else 0.0
            count = int(self.redis.zcount(self.key(name, "pending"), "-inf", now - grace_s * 1000))
            result.pending[name] = {
                "pending": int(self.redis.zcard(self.key(name, "pending"))),
                "oldest_overdue_s": round(overdue_s, 1),
            }
            if count:
                result.reasons.append(
                    f"{count} {name} not {what} {grace_s:.0f}s past their deadline: are workers running?"
                )
