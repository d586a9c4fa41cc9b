"""One rate budget per organisation, shared by every process through Redis (Lua scripts on Redis time: the
caller's clock (`RedisClock`, the app's step clock) when it has one, else the script's TIME).

Keys, per org (`<key_prefix>:budget:<org>:...`, key_prefix from DeskConfig):
- `leases`  sorted set: lease id -> expiry (ms, Redis time). A call holds a lease while it is on the wire; a lease
            whose holder died simply expires, so the limit heals by itself (crash-safe concurrency limit). The key
            has no expiry and needs none: release removes its member (Redis drops an empty set), and expired
            members are reaped when the set is full, so it never holds more than `max_concurrency` members. An
            expiry renewed on each call would cost a command per call; one set only when the set is created would
            delete live leases under continuous load.
- `credits` hash {paused_until, remaining:<day>, peak:<day>, source:<day>}, <day> the UTC day (days since the epoch,
            Redis time) the figures belong to. `remaining` is the day's credits left: every call takes one up front
            (an estimate, so concurrent callers see it at once); `X-Rate-Limit-Remaining-v3`, when the Desk sends it,
            replaces the estimate. A day with no figure yet starts from `desk_daily_credits`; its first call drops
            the earlier days' fields and sets the hash to expire when the next day ends. `peak` is the highest
            figure the Desk reported that day: the org's real daily budget, as far as we can know it.
            `paused_until` (ms, Redis time) is set on a 429: no process starts a call to the org before it
            (Retry-After, or a backoff that doubles on each 429 without one within a minute, counted in `strikes`).
            It lives in this hash so that acquire reads the pause and the day's figures with one HMGET; the day's
            reset never drops a pause still running (acquire returns before it while paused).
- reserve:  normal-priority calls stop when `remaining <= desk_reserve_share * budget`; only high-priority calls
            (escalations) spend the rest. `budget` is today's `peak` once the Desk reported one, else
            `desk_daily_credits`: the Desk never states the daily total, and a configured figure larger than the
            org's edition (Free: 5,000) would put every credit in the reserve. Started mid-day, the peak is what
            was left then, so the reserve is smaller that first day, never larger than the budget.

Release reads nothing: the lease carries the day and the peak acquire saw, and one HSET writes that day's fields.
- A call that began before midnight and ended after it writes the old day's fields, never the new day's record;
  the new day's first acquire drops them (or the next day's, when they come after it).
- The peak written is the larger of the peak seen at acquire and the figure reported. A higher figure reported by
  a call released meanwhile may be overwritten by a slightly lower one: figures fall during a day, so the peak can
  end up short by the credits spent by calls in flight together (about `max_concurrency`), and the reserve by
  its share of those. Accepted to save a read per call.
Upgrading from the version with a `pause` key (a string with a TTL) and `remaining`/`day`/`peak` fields: the key is
ignored and expires by its TTL; the old fields are dropped by the first acquire, so that day's count restarts from
`desk_daily_credits` until the Desk's next figure, one call later. While both versions run, each honours only its
own kind of pause and keeps its own count (each corrected by the Desk's figures): a 429 more at worst.

Waiting is bounded: `acquire` sleeps (never spins) until a lease frees or the pause ends, and raises
BudgetWaitTimeout at its deadline, at once when a pause outlasts the deadline. Spent credits raise CreditsExhausted.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
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
    # the Redis day (UTC days since the epoch) it was taken on, whose fields release writes; acquire always sets it
    # (None: a lease made elsewhere, e.g. by a fake budget, whose release records no figure)
    day: int | None = None
    peak: int | None = None  # that day's peak as acquire saw it (None: no figure from the Desk yet)


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


# Redis time in ms when the caller knows it without a round trip (the app's step clock), else None: the scripts
# then read TIME themselves.
RedisClock = Callable[[], int | None]


def _no_clock() -> int | None:
    return None


def _or_empty(value: int | None) -> int | str:
    return "" if value is None else value


class Budget:
    """The shared budget; thread-safe (all state is in Redis). `clock`: see RedisClock."""

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
        clock: RedisClock = _no_clock,
    ) -> None:
        self._redis = redis
        self.clock = clock
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
    def from_config(cls, config: DeskConfig, redis: redis_lib.Redis, *, clock: RedisClock = _no_clock) -> Budget:
        return cls(
            redis,
            max_concurrency=config.max_concurrency,
            daily_credits=config.daily_credits,
            reserve_share=config.reserve_share,
            lease_ttl_s=config.http_timeout_s + config.connect_timeout_s + LEASE_MARGIN_S,
            throttle_backoff_s=config.throttle_backoff_s,
            key_prefix=config.key_prefix,
            clock=clock,
        )

    def keys(self, org_id: str) -> dict[str, str]:
        base = f"{self.key_prefix}:budget:{org_id}"
        return {
            "leases": f"{base}:leases",
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
                keys=[keys["leases"], keys["credits"]],
                args=[
                    lease_id,
                    self.lease_ttl_ms,
                    self.max_concurrency,
                    high,
                    self.reserve_share,
                    self.daily_credits,
                    int(MAX_PAUSE_S * 1000),
                    _or_empty(self.clock()),
                ],
            )
            state = _text(answer[0])
            if state == "ok":
                if waited_full:
                    log.debug("desk.budget.lease_after_wait", org=org_id)
                peak = None if answer[3] is None else int(answer[3])
                return Lease(org_id=org_id, lease_id=lease_id, day=int(answer[2]), peak=peak)
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
        figure: int | str = ""  # '' when the Desk sent none (or the lease has no day): the credits are left alone
        peak: int | str = ""
        if remaining is not None and lease.day is not None:
            figure = int(remaining)
            peak = figure if lease.peak is None else max(lease.peak, figure)
        self._release(keys=[keys["leases"], keys["credits"]], args=[lease.lease_id, figure, _or_empty(lease.day), peak])

    def pause(self, org_id: str, retry_after_s: float | None) -> float:
        """A 429: stop every process's calls to the org for Retry-After (or a growing backoff), at most
        MAX_PAUSE_S. Returns seconds."""
        keys = self.keys(org_id)
        if retry_after_s is not None and retry_after_s > MAX_PAUSE_S:
            log.warning("desk.budget.retry_after_capped", org=org_id, retry_after_s=retry_after_s, pause_s=MAX_PAUSE_S)
            retry_after_s = MAX_PAUSE_S
        ms = self._pause(
            keys=[keys["credits"], keys["strikes"]],
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
        day = now_ms // DAY_MS
        pipe = self._redis.pipeline(transaction=False)
        pipe.zcount(keys["leases"], now_ms, "+inf")  # live leases only (expired ones are reaped lazily)
        pipe.hmget(keys["credits"], ["paused_until", f"remaining:{day}", f"peak:{day}", f"source:{day}"])
        leases, (paused_until, remaining, peak, source) = pipe.execute()
        budget = int(peak) if peak is not None else self.daily_credits
        return {
            "leases": int(leases),
            "pause_s": max(int(paused_until or 0) - now_ms, 0) / 1000.0,
            "remaining": int(remaining) if remaining is not None else None,
            "source": None if source is None else _text(source),
            "max_concurrency": self.max_concurrency,
            "budget": budget,
            "reserve": int(budget * self.reserve_share),
        }
