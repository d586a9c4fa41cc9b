"""A finished event keeps what dedupe and audit read, for a bounded time (real redis-server)."""

from __future__ import annotations

import json

from worker.store import Store
from worker.store.events import FINISHED_RETENTION_S, RETENTION_S
from worker.store.keys import Keys
from worker.store.records import EventRecord

key = Keys().key  # the default namespace, as Store.connect() uses

TICKET = {"id": "1", "status": "Open", "priority": "High", "description": "x" * 2000, "customFields": {"a": "b"}}
EVENT = EventRecord.from_dict(
    {
        "id": "ev-1",
        "org": "9",
        "kind": "ticket.updated",
        "ticket_id": "1",
        "modifiedTime": "2026-11-28T10:00:00.000Z",
        "changes": {"priority": ["Low", "High"]},
        "by_deskpilot": False,
        "ticket": TICKET,
        "previous": {**TICKET, "priority": "Low"},
        "observed_at": "2026-11-28T10:00:01+00:00",
    }
)


def test_a_finished_event_drops_the_tickets_and_expires_sooner(redis_server):
    # given a logged event, which holds the ticket and its previous snapshot until evaluated
    store = Store.connect(redis_server.client())
    store.events.append(EVENT)
    pending_bytes = store.redis.memory_usage(key("event", "ev-1"))
    assert store.events.get("ev-1").ticket == TICKET
    assert store.redis.ttl(key("event", "ev-1")) > FINISHED_RETENTION_S
    # when it is finished
    store.events.finish("ev-1")
    # then it keeps kind, ids, modifiedTime and changes, without the tickets, for a day instead of a week
    kept = store.events.get("ev-1")
    assert kept == EVENT.finished() and kept.ticket is None and kept.previous is None
    assert set(json.loads(store.redis.get(key("event", "ev-1")))) == set(EVENT.as_dict()) - {"ticket", "previous"}
    assert 0 < store.redis.ttl(key("event", "ev-1")) <= FINISHED_RETENTION_S < RETENTION_S
    assert store.redis.memory_usage(key("event", "ev-1")) * 4 < pending_bytes
    # and it is still known, so the same change read again is not logged twice
    assert store.events.append(EVENT) is False and not store.events.is_pending("ev-1")
