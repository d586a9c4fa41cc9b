"""A time rule's sweep reads the ticket activity the poller keeps, `text` included (it holds the latest customer
message): against the sandbox over real HTTP and a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.desk.conftest import desk_settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.retry import RetryPolicy
from worker.engine.directory import Directory
from worker.engine.loader import load_rules_text
from worker.ingest.activity_sync import ActivityKeeper
from worker.ingest.poller import Poller
from worker.plan.time_rules import TimeRuleSweeper
from worker.store import Store
from worker.store.activity import Activities

NO_RETRY = RetryPolicy(attempts=1, base_s=0.01, cap_s=0.01, deadline_s=5.0)
TICK = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def client(sandbox, redis_server) -> Iterator[DeskClient]:
    with DeskClient(
        desk_config(desk_settings(sandbox, redis_server)), redis_server.client(), sandbox.org_ids[0], policy=NO_RETRY
    ) as desk:
        yield desk


def text_rule(words: str) -> str:
    return f"""
rules:
  - id: words
    on: {{schedule: {{cron: "0 9 * * *"}}}}
    once: per_ticket
    if: {{field: text, contains: {words!r}}}
    then: [{{update: {{priority: High}}}}]
"""


def test_a_sweep_rule_on_text_matches_the_latest_customer_message(client, sandbox, redis_server):
    store = Store.connect(redis_server.client())
    poller = Poller(
        client, store, lambda _id: None, overlap=timedelta(seconds=5), activity=ActivityKeeper(client, store)
    )
    poller.poll()  # the backfill
    tickets = client.transport.request("GET", "/tickets", params={"limit": 50, "status": "Open"})["data"]
    ticket = next(ticket for ticket in tickets if int(ticket.get("threadCount") or 0) >= 1)
    sandbox.control.post(f"/_sandbox/tickets/{ticket['id']}/customerReply").raise_for_status()
    poller.poll()
    kept = Activities(store.redis, store.keys).get_many(client.org_id, [ticket["id"]])[ticket["id"]]
    words = " ".join(kept["latest_customer_reply_text"].split()[:4])
    mirrored = store.mirror.get_many(client.org_id, [ticket["id"]])[ticket["id"]]
    assert words and words not in f"{mirrored.get('subject')}\n{mirrored.get('description')}"
    sent: list[str] = []
    sweeper = TimeRuleSweeper(store, load_rules_text(text_rule(words)), lambda _org: Directory(), sent.append)
    result = sweeper.sweep("words", TICK, [client.org_id])
    assert result.fired == 1 and len(sent) == 1
    assert store.ledger.get(sent[0]).action.params["ids"] == [ticket["id"]]
