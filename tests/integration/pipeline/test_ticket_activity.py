"""Ticket activity and event actors kept by the poller, against the sandbox over real HTTP and a real redis-server:
which events an agent reply, a customer reply and a reopen make, what each event's ticket carries, what it costs in
calls, and that a re-read counts nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.desk.conftest import desk_settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.retry import RetryPolicy
from worker.engine.schema import EVENT_KINDS
from worker.ingest.activity_sync import ActivityKeeper
from worker.ingest.poller import Poller
from worker.store import Store
from worker.store.activity import Activities

NO_RETRY = RetryPolicy(attempts=1, base_s=0.01, cap_s=0.01, deadline_s=5.0)


@pytest.fixture
def client(sandbox, redis_server) -> Iterator[DeskClient]:
    with DeskClient(
        desk_config(desk_settings(sandbox, redis_server)), redis_server.client(), sandbox.org_ids[0], policy=NO_RETRY
    ) as desk:
        yield desk


class Calls:
    """Counts the GETs the poll makes, by the path's last segment (instrumentation: every call still goes out)."""

    def __init__(self, client: DeskClient) -> None:
        self.seen: Counter[str] = Counter()
        original = client.transport.request

        def counted(method: str, path: str, **kwargs: Any) -> Any:
            self.seen[path.rsplit("/", 1)[-1] if "/tickets/" in path else path] += 1
            return original(method, path, **kwargs)

        client.transport.request = counted  # type: ignore[method-assign]


def open_ticket(client: DeskClient) -> dict:
    tickets = client.transport.request("GET", "/tickets", params={"limit": 50, "status": "Open"})["data"]
    return next(ticket for ticket in tickets if int(ticket.get("threadCount") or 0) >= 1)


def agent_reply(client: DeskClient, ticket_id: str, text: str) -> None:
    client.transport.request(
        "POST", f"/tickets/{ticket_id}/sendReply", json={"channel": "FACEBOOK", "content": text}, idempotent=False
    )


def polled(poller: Poller, store: Store) -> dict[str, dict]:
    """The events one poll logged, by kind, as their records (the ticket as rules see it)."""
    result = poller.poll()
    records = [store.events.get(event_id) for event_id in result.events]
    return {record.kind: record for record in records if record is not None}


def test_replies_and_a_reopen_make_their_own_events_with_anchors_counters_and_actors(client, sandbox, redis_server):
    store = Store.connect(redis_server.client())
    keeper = ActivityKeeper(client, store, actor_kinds=frozenset(EVENT_KINDS), read_comments=True)
    poller = Poller(client, store, lambda _id: None, overlap=timedelta(seconds=5), activity=keeper)
    poller.poll()  # the backfill: no events, no activity yet
    ticket = open_ticket(client)
    calls = Calls(client)

    # an agent's reply: agent_replied only, its actor the agent, counted from the ticket's history (read once)
    agent_reply(client, ticket["id"], "We are on it")
    events = polled(poller, store)
    assert set(events) == {"ticket.agent_replied"}
    seen = events["ticket.agent_replied"].ticket
    assert seen["changed_by"]["kind"] == "agent" and seen["thread"]["direction"] == "out"
    assert seen["last_reply_by"] == "agent" and seen["agent_reply_count"] >= 1
    assert seen["latest_reply_text"].startswith("We are on it")
    assert calls.seen["threads"] == 1 and calls.seen["History"] == 0
    agent_replies = seen["agent_reply_count"]

    # the customer writes back: replied only, the customer now the one who spoke last
    calls.seen.clear()
    sandbox.control.post(f"/_sandbox/tickets/{ticket['id']}/customerReply").raise_for_status()
    events = polled(poller, store)
    assert set(events) == {"ticket.replied"}
    seen = events["ticket.replied"].ticket
    assert seen["changed_by"]["kind"] == "customer" and seen["last_reply_by"] == "customer"
    assert seen["agent_reply_count"] == agent_replies and seen["last_customer_reply_at"] is not None
    assert calls.seen["threads"] == 1  # one call for the new thread

    # closed and reopened by a person: reopened (and updated), counted once however often it is read again
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Closed"})
    polled(poller, store)
    calls.seen.clear()
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Open"})
    events = polled(poller, store)
    assert set(events) == {"ticket.reopened", "ticket.updated"}
    assert events["ticket.reopened"].ticket["reopen_count"] == 1
    # who reopened it is named by the ticket's History: one call for the change's two events, no thread read
    reopened_by = events["ticket.reopened"].ticket["changed_by"]
    assert (reopened_by["kind"], reopened_by["source"]) == ("agent", "history")
    assert calls.seen["threads"] == 0 and calls.seen["History"] == 1
    calls.seen.clear()
    store.mirror.drop(client.org_id, [ticket["id"]])  # as if the poll died before the mirror write: read again
    poller.poll()
    stored = Activities(store.redis, store.keys).get_many(client.org_id, [ticket["id"]])[ticket["id"]]
    assert stored["reopen_count"] == 1 and stored["agent_reply_count"] == agent_replies


def test_without_a_rule_reading_texts_or_authors_a_reply_costs_no_call(client, sandbox, redis_server):
    store = Store.connect(redis_server.client())
    keeper = ActivityKeeper(client, store, read_threads=False)
    poller = Poller(client, store, lambda _id: None, overlap=timedelta(seconds=5), activity=keeper)
    poller.poll()
    ticket = open_ticket(client)
    agent_reply(client, ticket["id"], "first")  # the ticket's first change: its history is read once
    polled(poller, store)
    calls = Calls(client)
    before = Activities(store.redis, store.keys).get_many(client.org_id, [ticket["id"]])[ticket["id"]]
    agent_reply(client, ticket["id"], "second")
    assert set(polled(poller, store)) == {"ticket.agent_replied"}
    sandbox.control.post(f"/_sandbox/tickets/{ticket['id']}/customerReply").raise_for_status()
    seen = polled(poller, store)["ticket.replied"].ticket
    assert calls.seen["threads"] == 0
    assert seen["agent_reply_count"] == before["agent_reply_count"] + 1
    assert seen["customer_reply_count"] == before["customer_reply_count"] + 1
    assert seen["last_reply_by"] == "customer" and seen["latest_reply_text"] is None
    assert (
        seen["last_customer_reply_at"]
        == client.transport.request("GET", f"/tickets/{ticket['id']}")["customerResponseTime"]
    )


def test_a_reply_deskpilot_sent_is_its_own_and_a_person_s_is_not(client, redis_server):
    store = Store.connect(redis_server.client())
    keeper = ActivityKeeper(client, store, actor_kinds=frozenset(EVENT_KINDS))
    poller = Poller(client, store, lambda _id: None, overlap=timedelta(seconds=5), activity=keeper)
    poller.poll()
    ticket = open_ticket(client)
    marker = "[deskpilot:ack:act-0123456789abcdef]"
    # deskpilot's reply: expected (as the reply executor does before sending) and carrying its marker
    store.own_writes.expect_comment(client.org_id, ticket["id"], "act-0123456789abcdef", marker)
    agent_reply(client, ticket["id"], f"Thanks for writing<!-- {marker} -->")
    ours = polled(poller, store)["ticket.agent_replied"]
    assert ours.by_deskpilot and ours.ticket["changed_by"]["kind"] == "deskpilot"
    # a person's reply on the same ticket afterwards: not ours (the expectation was used up)
    agent_reply(client, ticket["id"], "A person writes")
    theirs = polled(poller, store)["ticket.agent_replied"]
    assert not theirs.by_deskpilot and theirs.ticket["changed_by"]["kind"] == "agent"


def test_a_reopen_deskpilot_wrote_is_its_own_in_both_events(client, redis_server):
    store = Store.connect(redis_server.client())
    poller = Poller(
        client, store, lambda _id: None, overlap=timedelta(seconds=5), activity=ActivityKeeper(client, store)
    )
    poller.poll()
    ticket = open_ticket(client)
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Closed"})
    polled(poller, store)
    # deskpilot reopens it (expected as the update executor expects its writes; the Desk clears closedTime)
    expected = {"status": "Open", "closedTime": None}
    store.own_writes.expect_fields(client.org_id, ticket["id"], expected, "act-00000000000000aa")
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Open"})
    events = polled(poller, store)
    assert set(events) == {"ticket.reopened", "ticket.updated"}
    assert all(event.by_deskpilot for event in events.values()), {k: e.changes for k, e in events.items()}
    assert events["ticket.reopened"].ticket["changed_by"]["kind"] == "deskpilot"


def test_a_closed_ticket_keeps_its_counts_but_not_its_texts(client, sandbox, redis_server):
    store = Store.connect(redis_server.client())
    keeper = ActivityKeeper(client, store)
    poller = Poller(client, store, lambda _id: None, overlap=timedelta(seconds=5), activity=keeper)
    poller.poll()
    ticket = open_ticket(client)
    agent_reply(client, ticket["id"], "Solved, closing")
    closing = polled(poller, store)["ticket.agent_replied"].ticket
    client.transport.request("PATCH", f"/tickets/{ticket['id']}", json={"status": "Closed"})
    assert polled(poller, store)["ticket.updated"].ticket["latest_reply_text"] == closing["latest_reply_text"]
    stored = Activities(store.redis, store.keys).get_many(client.org_id, [ticket["id"]])[ticket["id"]]
    assert stored["latest_reply_text"] is None and stored["agent_reply_count"] == closing["agent_reply_count"]
