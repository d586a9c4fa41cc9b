"""The poller against the sandbox over real HTTP and a real redis-server: old closed tickets and a lagging index."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from structlog.testing import capture_logs

from tests.integration.desk.conftest import desk_settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.retry import RetryPolicy
from worker.engine.values import parse_time
from worker.ingest.absorb import CLOSED_RETENTION
from worker.ingest.poller import Poller
from worker.store import Store
from worker.store.keys import Keys

key = Keys().key  # the default namespace, as Store.connect() uses

NO_RETRY = RetryPolicy(attempts=1, base_s=0.01, cap_s=0.01, deadline_s=5.0)


@pytest.fixture
def client(sandbox, redis_server) -> Iterator[DeskClient]:
    with DeskClient(
        desk_config(desk_settings(sandbox, redis_server)), redis_server.client(), sandbox.org_ids[0], policy=NO_RETRY
    ) as desk:
        yield desk


@pytest.fixture
def store(redis_server) -> Store:
    return Store.connect(redis_server.client())


def long_closed(client: DeskClient) -> dict:
    """A seeded ticket closed more than the mirror's retention ago."""
    tickets = client.transport.request("GET", "/tickets", params={"limit": 100, "status": "Closed"})["data"]
    old = datetime.now(timezone.utc) - CLOSED_RETENTION - timedelta(days=1)
    found = [ticket for ticket in tickets if ticket.get("closedTime") and parse_time(ticket["closedTime"]) < old]
    assert found, "the seed has no ticket closed long ago"
    return found[0]


def events_of(store: Store, sent: list[str]) -> list[dict]:
    return [store.events.get(event_id) for event_id in sent]


def test_reopening_a_ticket_closed_long_ago_is_a_status_change(client, store):
    # given a backfilled mirror, which does not hold a ticket closed long ago
    sent: list[str] = []
    poller = Poller(client, store, sent.append, overlap=timedelta(seconds=5))
    poller.poll()
    ticket = long_closed(client)
    assert store.mirror.get(client.org_id, ticket["id"]) is None
    # when an agent reopens it
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Open"})
    poller.poll()
    # then the events say it was reopened and what changed, so `status changed_to Open` can match
    events = events_of(store, sent)
    assert [event.kind for event in events] == ["ticket.reopened", "ticket.updated"]
    assert events[1].changes["status"] == ("Closed", "Open")
    # and the reopened ticket is back in the mirror, out of the closed archive
    assert store.mirror.get(client.org_id, ticket["id"])["status"] == "Open"
    assert store.closed.get_many(client.org_id, [ticket["id"]]) == {}


def test_a_change_the_index_shows_later_than_the_overlap_is_still_seen_and_reported(client, store, sandbox):
    # given a backfilled mirror and a search index that lags writes by 3 s, against a 1 s overlap
    sent: list[str] = []
    poller = Poller(client, store, sent.append, overlap=timedelta(seconds=1))
    poller.poll()
    sandbox.control.post("/_sandbox/config", json={"searchLagS": 3})
    ticket = client.transport.request("GET", "/tickets", params={"limit": 1, "status": "Open"})["data"][0]
    # when a person changes a ticket and polls run while the index has not caught up, and after
    client.transport.request(
        "PATCH", f"/tickets/{ticket['id']}", json={"priority": "High" if ticket.get("priority") != "High" else "Low"}
    )
    with capture_logs() as logs:
        for _ in range(12):
            poller.poll()
            time.sleep(0.5)
    # then the change is logged once, and the lag is a warning and a counter
    events = events_of(store, sent)
    assert [(event.kind, event.ticket_id) for event in events] == [("ticket.updated", ticket["id"])]
    assert "priority" in events[0].changes
    assert [entry["ticket"] for entry in logs if entry["event"] == "poll.index_lag"] == [ticket["id"]]
    assert store.metrics.counters()[("late_changes_total", client.org_id)] == 1


def test_a_mirror_backfilled_before_closed_snapshots_were_kept_gets_them_once(client, store):
    # given a deployment backfilled by a version that kept no snapshot of tickets closed long ago
    sent: list[str] = []
    poller = Poller(client, store, sent.append, overlap=timedelta(seconds=5))
    poller.poll()
    store.redis.delete(key("closed", client.org_id), key("closed", client.org_id, "filled"))
    ticket = long_closed(client)
    # when the upgraded poller runs, and the ticket is reopened afterwards
    filled = poller.poll()
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Open"})
    poller.poll()
    # then the first poll gave closed tickets their snapshots without events, and the reopen is a status change
    assert filled.backfilled and store.closed.is_filled(client.org_id)
    events = events_of(store, sent)
    assert [(event.kind, event.changes.get("status")) for event in events] == [
        ("ticket.reopened", ("Closed", "Open")),
        ("ticket.updated", ("Closed", "Open")),
    ]
