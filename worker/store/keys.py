"""Redis key names under one namespace (so two deployments can share a database), and Redis server time.

Every key deskpilot writes is `<namespace>:<family>:...`, `<family>` one of FAMILIES below: the whole keyspace in
one place. The Desk client's keys live under `<namespace>:desk:` (desk/ builds them from the prefix it is given);
dramatiq's queues under `<namespace>:dramatiq:` (the broker's own namespace).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone

import redis as redis_lib

DEFAULT_NAMESPACE = "dp"
SEPARATOR = ":"

FAMILIES = frozenset(
    {
        "activity",  # hash per org of ticket activity: time anchors, counters, latest texts (activity.py)
        "absorbing",  # `absorbing:<org>:<ticket>`: a ticket being diffed and logged by one path (ticket_locks.py)
        "action",  # hash per planned action (ledger.py), `:claim` its lease; assign's pick and settle times are fields
        "actions",  # `:pending` zset of actions by reconcile deadline
        "audit",  # stream of evaluations and outcomes
        "closed",  # hash per org of closed-ticket snapshots, `:filled` mark
        "counters",
        "gauges",  # metrics hashes
        "cursor",  # per org poll marks: the cursor, `:shown`, `:lag`
        "desk",  # the Desk client's budget (`desk:budget:<org>:*`) and OAuth token (`desk:oauth:<fingerprint>:*`)
        "directory",  # per org cached agents/departments
        "dlq",  # list of dead letters
        "dramatiq",  # dramatiq's queues, acks and heartbeats (the broker's namespace)
        "event",  # one string per event, `events:pending` zset by deadline
        "events",
        "fires",
        "once",  # per rule and ticket: fires in the last hour, `once` marks
        "health",  # `health:poll:<org>` hash
        "mirror",  # hash per org of open-ticket snapshots, `:backfilled` mark
        "own",
        "own-by-action",  # expected own writes per ticket, and per action for withdrawal
        "people",  # `people:<org>:contact|account:<id>`: a requester's record for rules, short TTL (plan/facts.py)
        "presence",  # `presence:<org>`: the agents online (GET /onlineAgents), 30 s (actions/availability.py)
        "rr",  # round-robin turn per org and department
        "running",
        "tick",  # scheduler job leases and claimed ticks
        "sla",  # `sla:since:<policy>` when a policy was first seen
        "slafired",  # set per ticket of fired escalation levels
        "timeline",  # hash per org of SLA timelines, `:missing` set
        "webhooks",  # per org: installed webhooks, `:retired`, `:status` (deliveries, missed); `webhooks:jti:<jti>`
    }
)


@dataclass(frozen=True)
class Keys:
    """Builds key names; built once by the composition root from DESKPILOT_REDIS_NAMESPACE and handed down."""

    namespace: str = DEFAULT_NAMESPACE

    def key(self, family: str, *parts: str) -> str:
        if family not in FAMILIES:
            raise ValueError(f"{family!r} is not a key family listed in store/keys.py")
        return SEPARATOR.join((self.namespace, family, *parts))

    @property
    def desk_prefix(self) -> str:
        """What desk/ prefixes its own keys with (it does not import store/)."""
        return self.key("desk")

    @property
    def dramatiq_namespace(self) -> str:
        """dramatiq's RedisBroker `namespace=`: its keys are `<this>:<queue>...`."""
        return self.key("dramatiq")

    @property
    def pattern(self) -> str:
        """SCAN pattern matching every key of this namespace."""
        return f"{self.namespace}{SEPARATOR}*"


# (Redis ms, local monotonic s) read at the start of the step (an actor message) this thread is running, if any
_STEP_CLOCK: ContextVar[tuple[int, float] | None] = ContextVar("deskpilot_step_clock", default=None)
# The latest TIME reading per client, shared by the process's threads: a step younger than this reuses it moved on
# by the local monotonic clock (which drifts from Redis's by NTP's slew at most, well under a ms in seconds).
STEP_CLOCK_RESYNC_S = 5.0
_READINGS: weakref.WeakKeyDictionary[redis_lib.Redis, tuple[int, float]] = weakref.WeakKeyDictionary()
_READINGS_LOCK = threading.Lock()


@contextmanager
def step_clock(redis: redis_lib.Redis) -> Iterator[None]:
    """Redis time for a whole step (an actor message) without a round trip per read: inside it, server_ms and
    server_now are a TIME reading plus the local monotonic time elapsed since, so they still move (a write's
    settle mark is its own sending time). The reading is the process's latest for this client while it is
    younger than STEP_CLOCK_RESYNC_S, else a new TIME: at most one per step. A step inside a step keeps the
    outer reading."""
    if _STEP_CLOCK.get() is not None:
        yield
        return
    token = _STEP_CLOCK.set(_reading(redis))
    try:
        yield
    finally:
        _STEP_CLOCK.reset(token)


def _reading(redis: redis_lib.Redis) -> tuple[int, float]:
    with _READINGS_LOCK:
        reading = _READINGS.get(redis)
    if reading is not None and time.monotonic() - reading[1] < STEP_CLOCK_RESYNC_S:
        return reading
    seconds, micros = redis.time()
    reading = (int(seconds) * 1000 + int(micros) // 1000, time.monotonic())
    with _READINGS_LOCK:
        _READINGS[redis] = reading
    return reading


def step_clock_ms() -> int | None:
    """Redis's clock in ms from the step clock open in this context (no round trip), None outside a step: for
    callers that otherwise read Redis time where they are anyway (the Desk budget's scripts)."""
    clock = _STEP_CLOCK.get()
    return None if clock is None else clock[0] + int((time.monotonic() - clock[1]) * 1000)


def server_ms(redis: redis_lib.Redis) -> int:
    """Redis's clock in ms, shared by every process and machine (local clocks may disagree); a round trip unless
    a step_clock is open."""
    stepped = step_clock_ms()
    if stepped is not None:
        return stepped
    seconds, micros = redis.time()
    return int(seconds) * 1000 + int(micros) // 1000


def server_now(redis: redis_lib.Redis) -> datetime:
    """Redis's clock as a datetime (see server_ms). Read it once per step and hand it down."""
    if _STEP_CLOCK.get() is not None:
        return datetime.fromtimestamp(server_ms(redis) / 1000, tz=timezone.utc)
    seconds, micros = redis.time()
    return datetime.fromtimestamp(int(seconds) + int(micros) / 1_000_000, tz=timezone.utc)


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
