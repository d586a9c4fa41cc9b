"""Everything deskpilot keeps in Redis, one module per concern; `Store` bundles them for the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import redis as redis_lib

from worker.store.audit import AuditLog
from worker.store.closed import ClosedTickets
from worker.store.counters import Counters
from worker.store.cursors import Cursors
from worker.store.deadletters import DeadLetters
from worker.store.events import EventLog
from worker.store.health import PollHealth
from worker.store.history import FireHistory
from worker.store.keys import Keys
from worker.store.ledger import ActionLedger
from worker.store.mirror import Mirror
from worker.store.own_writes import OwnWrites
from worker.store.ticks import Ticks
from worker.store.timelines import Timelines


@dataclass
class Store:
    redis: redis_lib.Redis
    keys: Keys
    cursors: Cursors
    mirror: Mirror
    closed: ClosedTickets
    events: EventLog
    ledger: ActionLedger
    audit: AuditLog
    history: FireHistory
    own_writes: OwnWrites
    ticks: Ticks
    dead_letters: DeadLetters
    metrics: Counters
    timelines: Timelines
    health: PollHealth

    @classmethod
    def connect(
        cls,
        redis: redis_lib.Redis,
        event_deadline_ms: int = 60_000,
        action_deadline_ms: int = 120_000,
        keys: Keys = Keys(),
    ) -> Store:
        """`redis` must decode responses (decode_responses=True); deadlines are when the reconciler re-sends;
        `keys` carries the namespace (DESKPILOT_REDIS_NAMESPACE)."""
        return cls(
            redis=redis,
            keys=keys,
            cursors=Cursors(redis, keys),
            mirror=Mirror(redis, keys),
            closed=ClosedTickets(redis, keys),
            events=EventLog(redis, keys, event_deadline_ms),
            ledger=ActionLedger(redis, keys, action_deadline_ms),
            audit=AuditLog(redis, keys),
            history=FireHistory(redis, keys),
            own_writes=OwnWrites(redis, keys),
            ticks=Ticks(redis, keys),
            dead_letters=DeadLetters(redis, keys),
            metrics=Counters(redis, keys),
            timelines=Timelines(redis, keys),
            health=PollHealth(redis, keys),
        )
