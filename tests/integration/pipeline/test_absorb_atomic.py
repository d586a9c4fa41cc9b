"""A batch's events and its mirror snapshots are written together or not at all (real redis-server): a worker
dying between the two must not leave an event whose change the mirror lacks, or the next read of the ticket,
after deskpilot acted on that event, sees the person's change again as a second event."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from tests.integration.ingress.support import ORG, ticket
from worker.ingest.absorb import Absorber
from worker.store import Store
from worker.store.closed import ClosedTickets
from worker.store.mirror import Mirror

NOW = datetime(2026, 12, 2, 10, 10, tzinfo=timezone.utc)
CHANGED, ACTED = "2026-12-02T10:05:00.000Z", "2026-12-02T10:06:00.000Z"


class WorkerDied(Exception):
    pass


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def die(*_args, **_kwargs):
    raise WorkerDied


def priority_events(store: Store, sent: list[str]) -> list[str]:
    return [event_id for event_id in sent if "priority" in store.events.get(event_id).changes]


def test_dying_before_the_mirror_write_logs_no_event_and_the_change_is_seen_once(store, monkeypatch):
    store.mirror.put_many(ORG, {"101": ticket("101")})
    sent: list[str] = []
    absorber = Absorber(SimpleNamespace(org_id=ORG), store, sent.append)
    # the worker dies while it writes the batch's snapshots (after queueing or appending its events)
    with monkeypatch.context() as patch:
        for store_class in (Mirror, ClosedTickets):
            patch.setattr(store_class, "put_newer" if store_class is Mirror else "put_many", die)
        with pytest.raises(WorkerDied):
            absorber.absorb([ticket("101", modified=CHANGED, priority="High")], NOW, NOW)

    assert store.redis.zcard(store.keys.key("events", "pending")) == 0, "no event without its snapshot"
    # the next read sees the ticket after deskpilot's own write moved its modifiedTime: the change is one event
    absorber.absorb([ticket("101", modified=ACTED, priority="High")], NOW, NOW)
    assert len(priority_events(store, sent)) == 1
    assert store.mirror.get(ORG, "101")["modifiedTime"] == ACTED
