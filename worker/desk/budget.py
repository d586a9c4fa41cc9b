"""One rate budget per organisation, shared by every process through Redis (Lua scripts on Redis TIME).

Keys, per org (`<key_prefix>:budget:<org>:...`, key_prefix from DeskConfig):
- `leases`  sorted set: lease id -> expiry (ms, Redis time). A call holds a lease while it is on the wire; a lease
            whose holder died simply expires, so the limit heals by itself (crash-safe concurrency limit).
- `pause`   set on a 429: no process starts a call to the org until it expires (Retry-After, or a backoff that
            doubles on each 429 without one within a minute).
- `credits` hash {remaining, day, source, peak}: the day's credits left. Every call takes one credit up front (an
            estimate, so concurrent callers see it at once); `X-Rate-Limit-Remaining-v3`, when the Desk sends it,
            replaces the estimate. A UTC day with no figure yet starts from `desk_daily_credits`. `peak` is the
            highest figure the Desk reported today: the org's real daily budget, as far as we can know it.
- reserve:  normal-priority calls stop when `remaining <= desk_reserve_share * budget`; only high-priority calls
            (escalations) spend the rest. `budget` is today's `peak` once the Desk reported one, else
            `desk_daily_credits`: the Desk never states the daily total, and a configured figure larger than the
            org's edition (Free: 5,000) would put every credit in the reserve. Started mid-day, the peak is what
            was left then, so the reserve is smaller that first day, never larger than the budget.

Waiting is bounded: `acquire` sleeps (never spins) until a lease frees or the pause ends, and raises
BudgetWaitTimeout at its deadline, at once when a pause outlasts the deadline. Spent credits raise CreditsExhausted.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any

import redis as redis_lib
import structlog

from worker.desk.config import DEFAULT_KEY_PREFIX, DeskConfig
from worker.desk.errors import BudgetWaitTimeout, CreditsExhausted
from worker.desk.scripts import register

log = structlog.get_logger("worker.desk.budget")

DAY_MS = 86_400_000
# Sleep between tries while every lease is taken: short and jittered so waiters do not wake in lock-step.
FULL_POLL_MIN_S = 0.002
FULL_POLL_MAX_S = 0.02
# Added to a pause before retrying, so that not every process wakes in the same millisecond.
PAUSE_JITTER_S = 0.05
# A 429 without Retry-After pauses for desk_throttle_backoff_s * 2**(n-1), capped here; n resets after a quiet minute.
THROTTLE_CAP_MS = 60_000
STRIKE_MEMORY_MS = 60_000
# Margin added to the HTTP timeouts for a lease's life.
LEASE_MARGIN_S = 5.0
# The longest a 429 may pause the org. The Desk's windows are a day (credits) and the call itself (concurrency);
# a longer Retry-After (or a garbled one) is cut to this: at worst one call an hour meets another 429 and pauses
# again, where an uncapped value could stop every call for years.
MAX_PAUSE_S = 3600.0


class Priority(str, Enum):
    """Normal calls stop short of the reserve; high-priority calls (escalations) may spend it."""

    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True)
class Lease:
    org_id: str
    lease_id: str
    day: int | None = None  # the Redis day (UTC days since the epoch) it was taken on: release needs no TIME


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _sleep_out_pause(org_id: str, pause_s: float, left: float, *, method: str | None, path: str | None) -> None:
    """The org is paused after a 429: sleep through the pause, or fail at once when it outlasts the wait."""
    if pause_s > left:
        raise BudgetWaitTimeout(
            f"org {org_id} is paused after a 429 for {pause_s:.1f}s more, beyond this call's wait",
            retry_after=pause_s,
            method=method,
            path=path,
        )
    time.sleep(pause_s + random.uniform(0, PAUSE_JITTER_S))


def _credits_error(org_id: str, state: str, answer: Any, *, method: str | None, path: str | None) -> CreditsExhausted:
    """The day's credits are spent ('exhausted') or only the reserve is left for this priority ('reserve')."""
    wait_s = int(answer[1]) / 1000.0
    remaining = int(answer[2])
    if state == "reserve":
        return CreditsExhausted(
            f"org {org_id} has {remaining} credits left today, all held in reserve for high-priority calls",
            error_code="CREDITS_RESERVED",
            retry_after=wait_s,
            method=method,
            path=path,
        )
    return CreditsExhausted(
        f"org {org_id} has no API credits left today",
        retry_after=wait_s,
        method=method,
        path=path,
    )


class Budget:
    """The shared budget; thread-safe (all state is in Redis)."""

    def __init__(
        self,
        redis: redis_lib.Redis,
        *,
        max_concurrency: int,
        daily_credits: int,
        reserve_share: float,
        lease_ttl_s: float,
        throttle_backoff_s: float,
        key_prefix: str = DEFAULT_KEY_PREFIX,
    ) -> None:
        self._redis = redis
        self.max_concurrency = max_concurrency
        self.daily_credits = daily_credits
        self.reserve_share = reserve_share
        self.lease_ttl_ms = int(lease_ttl_s * 1000)
        self.throttle_backoff_ms = int(throttle_backoff_s * 1000)
        self.key_prefix = key_prefix
        self._acquire = register(redis, "budget_acquire")
        self._release = register(redis, "budget_release")
        self._pause = register(redis, "budget_pause")

    @classmethod
    def from_config(cls, config: DeskConfig, redis: redis_lib.Redis) -> Budget:
        return cls(
            redis,
            max_concurrency=config.max_concurrency,
            daily_credits=config.daily_credits,
            reserve_share=config.reserve_share,
            lease_ttl_s=config.http_timeout_s + config.connect_timeout_s + LEASE_MARGIN_S,
            throttle_backoff_s=config.throttle_backoff_s,
            key_prefix=config.key_prefix,
        )

    def keys(self, org_id: str) -> dict[str, str]:
        base = f"{self.key_prefix}:budget:{org_id}"
        return {
            "leases": f"{base}:leases",
            "pause": f"{base}:pause",
            "credits": f"{base}:credits",
            "strikes": f"{base}:strikes",
        }

    def acquire(
        self,
        org_id: str,
        *,
        priority: Priority = Priority.NORMAL,
        timeout_s: float,
        method: str | None = None,
        path: str | None = None,
    ) -> Lease:
        """Take a concurrency lease (and a credit) for one call, waiting at most `timeout_s`."""
        keys = self.keys(org_id)
        deadline = time.monotonic() + timeout_s
        lease_id = uuid.uuid4().hex
        high = "1" if Priority(priority) is Priority.HIGH else "0"
        waited_full = False
        while True:
            answer = self._acquire(
                keys=[keys["leases"], keys["pause"], keys["credits"]],
                args=[
                    lease_id,
                    self.lease_ttl_ms,
                    self.max_concurrency,
                    high,
                    self.reserve_share,
                    self.daily_credits,
                    int(MAX_PAUSE_S * 1000),
                ],
            )
            state = _text(answer[0])
            if state == "ok":
                if waited_full:
                    log.debug("desk.budget.lease_after_wait", org=org_id)
                return Lease(org_id=org_id, lease_id=lease_id, day=int(answer[2]) if len(answer) > 2 else None)
            left = deadline - time.monotonic()
            if state == "paused":
                _sleep_out_pause(org_id, int(answer[1]) / 1000.0, left, method=method, path=path)
            elif state == "full":
                self._sleep_for_lease(org_id, left, timeout_s, method=method, path=path)
                waited_full = True
            else:
                raise _credits_error(org_id, state, answer, method=method, path=path)

    def _sleep_for_lease(
        self, org_id: str, left: float, timeout_s: float, *, method: str | None, path: str | None
    ) -> None:
        """Every lease is taken: nap briefly (jittered) and try again, or give up at the deadline."""
        if left <= 0:
            raise BudgetWaitTimeout(
                f"all {self.max_concurrency} concurrent-call leases of org {org_id} stayed taken for {timeout_s:.1f}s",
                retry_after=None,
                method=method,
                path=path,
            )
        time.sleep(min(left, random.uniform(FULL_POLL_MIN_S, FULL_POLL_MAX_S)))

    def release(self, lease: Lease, *, remaining: int | None = None) -> None:
        """Return the lease; record the Desk's credit figure when it sent one."""
        keys = self.keys(lease.org_id)
        self._release(
            keys=[keys["leases"], keys["credits"]],
            args=[lease.lease_id, "" if remaining is None else int(remaining), "" if lease.day is None else lease.day],
        )

    def pause(self, org_id: str, retry_after_s: float | None) -> float:
        """A 429: stop every process's calls to the org for Retry-After (or a growing backoff), at most
        MAX_PAUSE_S. Returns seconds."""
        keys = self.keys(org_id)
        if retry_after_s is not None and retry_after_s > MAX_PAUSE_S:
            log.warning("desk.budget.retry_after_capped", org=org_id, retry_after_s=retry_after_s, pause_s=MAX_PAUSE_S)
            retry_after_s = MAX_PAUSE_S
        ms = self._pause(
            keys=[keys["pause"], keys["strikes"]],
            args=[
                "" if retry_after_s is None else int(max(retry_after_s, 0.001) * 1000),
                self.throttle_backoff_ms,
                THROTTLE_CAP_MS,
                STRIKE_MEMORY_MS,
            ],
        )
        seconds = min(int(ms) / 1000.0, MAX_PAUSE_S)  # a longer pause left by an older version is cut on acquire
        log.warning("desk.budget.paused", org=org_id, pause_s=seconds, retry_after_s=retry_after_s)
        return seconds

    def snapshot(self, org_id: str) -> dict[str, Any]:
        """What the budget looks like now (for `deskpilot check`, tests and the bench)."""
        keys = self.keys(org_id)
        seconds, micros = self._redis.time()
        now_ms = int(seconds) * 1000 + int(micros) // 1000
        pipe = self._redis.pipeline(transaction=False)
        pipe.zcount(keys["leases"], now_ms, "+inf")  # live leases only (expired ones are reaped lazily)
        pipe.pttl(keys["pause"])
        pipe.hgetall(keys["credits"])
        leases, pause_ms, credits = pipe.execute()
        decoded = {_text(k): _text(v) for k, v in (credits or {}).items()}
        budget = int(decoded["peak"]) if "peak" in decoded else self.daily_credits
        return {
            "leases": int(leases),
            "pause_s": max(int(pause_ms), 0) / 1000.0,
            "remaining": int(decoded["remaining"]) if "remaining" in decoded else None,
            "source": decoded.get("source"),
            "max_concurrency": self.max_concurrency,
            "budget": budget,
            "reserve": int(budget * self.reserve_share),
        }
