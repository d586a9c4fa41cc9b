"""Re-send what the queue lost: events not evaluated and actions not finished within their deadline.

dramatiq over Redis is at-least-once with known holes (a retry whose enqueue fails; delayed messages a worker
held when Redis restarted). The event log and the ledger are the record; this walks their overdue entries.
An action whose lease is still held is left to its worker (its deadline moves on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog

from worker.store import Store

log = structlog.get_logger(__name__)
Send = Callable[[str], object]  # an actor's send: what it returns is not used


@dataclass
class ReconcileResult:
    events: int = 0
    actions: int = 0
    cleaned: int = 0


def reconcile(store: Store, send_event: Send, send_action: Send) -> ReconcileResult:
    result = ReconcileResult()
    for event_id in store.events.overdue():
        store.events.extend(event_id)
        send_event(event_id)
        result.events += 1
    for action_id in store.ledger.overdue():
        record = store.ledger.get(action_id)
        if record is None or record.final:
            store.ledger.drop_pending(action_id)
            result.cleaned += 1
            continue
        store.ledger.postpone(action_id, 0)
        if store.ledger.is_claimed(action_id):
            continue
        send_action(action_id)
        result.actions += 1
    if result.events or result.actions:
        log.warning("reconcile.resent", events=result.events, actions=result.actions)
    return result
