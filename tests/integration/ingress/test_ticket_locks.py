"""Two paths holding two states of one ticket (a poll, a delivery, a hinted read) take it in turn (real
redis-server): neither diffs against a snapshot the other is replacing, so no change is logged twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from tests.integration.ingress.support import ORG, delivery, ticket
from worker.ingest.absorb import Absorber, TicketsBusy
from worker.store import Store
from worker.store.ticket_locks import TicketLocks

NOW = datetime(2026, 12, 2, 10, 10, tzinfo=timezone.utc)
T1, T2 = "2026-12-02T10:05:00.000Z", "2026-12-02T10:06:00.000Z"


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def absorber(store: Store, sent: list[str]) -> Absorber:
    return Absorber(SimpleNamespace(org_id=ORG), store, sent.append)


def test_a_poll_and_a_delivery_of_two_states_log_the_first_change_once(store):
    tickets = [str(3000 + n) for n in range(40)]
    store.mirror.put_many(ORG, {ticket_id: ticket(ticket_id) for ticket_id in tickets})
    sent: list[str] = []
    first = [ticket(ticket_id, modified=T1, priority="High") for ticket_id in tickets]
    second = [ticket(ticket_id, modified=T2, priority="High", status="On Hold") for ticket_id in tickets]
    start = threading.Barrier(2)

    def run(batch):  # the poller takes its batch whole, the receiver ticket by ticket
        start.wait()
        if len(batch) == 1:
            return absorber(store, sent).absorb(batch, NOW, NOW)
        for item in batch:
            absorber(store, sent).absorb([item], NOW, NOW)
        return None

    threads = [threading.Thread(target=run, args=(batch,)) for batch in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    changes = Counter(event.ticket_id for event in map(store.events.get, sent) if "priority" in event.changes)
    assert changes == Counter(tickets)
    assert {snapshot["modifiedTime"] for snapshot in store.mirror.get_many(ORG, tickets).values()} == {T2}


def test_a_held_ticket_is_waited_for_or_refused(store):
    store.mirror.put_many(ORG, {"101": ticket()})
    locks = TicketLocks(store.redis, store.keys)
    assert locks.take(ORG, ["101"], "someone", 5_000) == {"101"}
    sent: list[str] = []
    with pytest.raises(TicketsBusy):
        absorber(store, sent).absorb([ticket(modified=T1, priority="High")], NOW, NOW, wait_s=0.0)
    timer = threading.Timer(0.2, lambda: locks.release(ORG, ["101"], "someone"))
    timer.start()
    absorbed = absorber(store, sent).absorb([ticket(modified=T1, priority="High")], NOW, NOW, wait_s=5.0)
    assert len(absorbed.events) == 1 and sent == absorbed.events
    assert not store.redis.exists(store.keys.key("absorbing", ORG, "101"))


def test_a_delivery_for_a_ticket_a_poll_holds_becomes_a_hint(rig, signer):
    TicketLocks(rig.store.redis, rig.store.keys).take(ORG, ["101"], "a poll", 5_000)
    answer = rig.post(delivery(ticket(modified=T1, priority="High")), signer.token())
    assert answer.status_code == 200 and answer.json() == {"events": 0, "hints": 1}
    assert rig.hints == [(ORG, "101", T1)]
