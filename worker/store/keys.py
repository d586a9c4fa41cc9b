"""Redis key names under one namespace (so two deployments can share a database), and Redis server time.

Every key deskpilot writes is `<namespace>:<family>:...`, `<family>` one of FAMILIES below: the whole keyspace in
one place. The Desk client's keys live under `<namespace>:desk:` (desk/ builds them from the prefix it is given);
dramatiq's queues under `<namespace>:dramatiq:` (the broker's own namespace).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import redis as redis_lib

DEFAULT_NAMESPACE = "dp"
SEPARATOR = ":"

FAMILIES = frozenset({
    "action",  # hash per planned action (ledger.py), `:claim` its lease; assign's pick and settle times are fields
    "actions",  # `:pending` zset of actions by reconcile deadline
    "audit",  # stream of evaluations and outcomes
    "closed",  # hash per org of closed-ticket snapshots, `:filled` mark
    "counters", "gauges",  # metrics hashes
    "cursor",  # per org poll marks: the cursor, `:shown`, `:lag`
    "desk",  # the Desk client's budget (`desk:budget:<org>:*`) and OAuth token (`desk:oauth:<fingerprint>:*`)
    "directory",  # per org cached agents/departments
    "dlq",  # list of dead letters
    "dramatiq",  # dramatiq's queues, acks and heartbeats (the broker's namespace)
    "event",  # one string per event, `events:pending` zset by deadline
    "events",
    "fires", "once",  # per rule and ticket: fires in the last hour, `once` marks
    "health",  # `health:poll:<org>` hash
    "mirror",  # hash per org of open-ticket snapshots, `:backfilled` mark
    "own", "own-by-action",  # expected own writes per ticket, and per action for withdrawal
    "rr",  # round-robin turn per org and department
    "running", "tick",  # scheduler job leases and claimed ticks
    "sla",  # `sla:since:<policy>` when a policy was first seen
    "slafired",  # set per ticket of fired escalation levels
    "timeline",  # hash per org of SLA timelines, `:missing` set
})


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


def server_now(redis: redis_lib.Redis) -> datetime:
    """Redis's clock, shared by every process and machine (local clocks may disagree). Read it once per step and
    hand it down: each read is a round trip."""
    seconds, micros = redis.time()
    return datetime.fromtimestamp(int(seconds) + int(micros) / 1_000_000, tz=timezone.utc)


def server_ms(redis: redis_lib.Redis) -> int:
    seconds, micros = redis.time()
    return int(seconds) * 1000 + int(micros) // 1000


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
