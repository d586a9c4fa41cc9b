"""Where SLA timelines are kept and rules read reply authors, an agent's reply costs one thread read, shared by the
ticket activity and the SLA timeline (ingest/thread_reads.py), and both come out as with two reads: against the
sandbox over real HTTP and a real redis-server."""

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
from worker.ingest.timeline_sync import TimelineKeeper
from worker.store import Store

NO_RETRY = RetryPolicy(attempts=1, base_s=0.01, cap_s=0.01, deadline_s=5.0)


@pytest.fixture
def client(sandbox, redis_server) -> Iterator[DeskClient]:
    with DeskClient(
        desk_config(desk_settings(sandbox, redis_server)), redis_server.client(), sandbox.org_ids[0], policy=NO_RETRY
    ) as desk:
        yield desk


def counted(client: DeskClient) -> Counter[str]:
    """The thread list GETs from here on (instrumentation: every call still goes out)."""
    seen: Counter[str] = Counter()
    original = client.transport.request

    def request(method: str, path: str, **kwargs: Any) -> Any:
        seen[path.rsplit("/", 1)[-1]] += 1
        return original(method, path, **kwargs)

    client.transport.request = request  # type: ignore[method-assign]
    return seen


def reply_twice(client: DeskClient, store: Store, shared: bool, lean: bool) -> tuple[int, dict, dict]:
    """Backfill, an agent's reply on a ticket (its first change: its history is read), then the measured one:
    (thread reads of the measured poll, its event's ticket, the stored timeline)."""
    timelines = TimelineKeeper(client, store)
    keeper = ActivityKeeper(
        client,
        store,
        actor_kinds=frozenset() if lean else frozenset(EVENT_KINDS),
        read_threads=not lean,
        share_threads=timelines.reads if shared else None,
    )
    poller = Poller(client, store, lambda _id: None, overlap=timedelta(seconds=5), timelines=timelines, activity=keeper)
    poller.poll()
    listed = client.transport.request("GET", "/tickets", params={"limit": 50, "status": "Open"})["data"]
    ticket = next(ticket for ticket in listed if int(ticket.get("threadCount") or 0) >= 1)
    timelines.fill()
    for text in ("first", "second"):
        calls = counted(client)
        client.transport.request(
            "POST",
            f"/tickets/{ticket['id']}/sendReply",
            json={"channel": "FACEBOOK", "content": text},
            idempotent=False,
        )
        events = [store.events.get(event_id) for event_id in poller.poll().events]
    event = next(record for record in events if record is not None and record.kind == "ticket.agent_replied")
    timeline = store.timelines.get_many(client.org_id, [ticket["id"]])[ticket["id"]]
    return calls["threads"], event.ticket, timeline


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "apart"])
def test_an_agent_reply_costs_one_thread_read_for_the_activity_and_the_timeline(client, redis_server, shared):
    store = Store.connect(redis_server.client())
    reads, seen, timeline = reply_twice(client, store, shared=shared, lean=False)
    assert reads == (1 if shared else 2)  # apart: the activity's newest two, then the timeline's whole list
    assert seen["changed_by"]["kind"] == "agent" and seen["latest_reply_text"].startswith("second")
    assert len(timeline["agent_responses"]) == seen["agent_reply_count"] >= 2


def test_lean_with_sla_timelines_reads_the_reply_the_timeline_reads_anyway(client, redis_server):
    store = Store.connect(redis_server.client())
    reads, seen, timeline = reply_twice(client, store, shared=True, lean=True)
    assert reads == 1  # as many as the timeline alone made before; the activity now reads the real thread
    assert seen["latest_reply_text"].startswith("second")
    assert len(timeline["agent_responses"]) == seen["agent_reply_count"]
