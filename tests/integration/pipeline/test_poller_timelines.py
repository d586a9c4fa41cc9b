"""The poller against the sandbox over real HTTP: backfill, events, SLA timelines read with few calls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.desk.conftest import desk_settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.errors import DeskError
from worker.desk.retry import RetryPolicy
from worker.ingest.poller import Poller
from worker.ingest.timeline_sync import TimelineKeeper
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


def test_a_failed_history_read_leaves_the_rest_for_the_next_poll(client, sandbox, redis_server):
    # given a backfilled mirror whose open tickets' histories are still to be read
    store = Store.connect(redis_server.client())
    keeper = TimelineKeeper(client, store, fill_per_poll=1000)
    sent: list[str] = []
    Poller(client, store, sent.append, timelines=keeper).poll()
    missing = key("timeline", client.org_id, "missing")
    scheduled = store.redis.scard(missing)
    assert scheduled > 0 and sent == []
    # when every read fails
    sandbox.control.post("/_sandbox/faults", json={"errorRate": 1.0})
    with pytest.raises(DeskError):
        keeper.fill()
    # then no ticket was lost: all are still to be read, and the next fill reads them
    assert store.redis.scard(missing) == scheduled
    sandbox.control.delete("/_sandbox/faults")
    assert keeper.fill() == scheduled and store.redis.scard(missing) == 0
