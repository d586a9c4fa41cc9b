"""The store owns Redis: two deployments in one database under their own namespaces never see each other's keys,
and Lua scripts cross the wire once per server (EVALSHA after the first load), against a real redis-server."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from pydantic import SecretStr

from worker.app.broker import make_broker
from worker.desk.auth import TokenProvider
from worker.desk.budget import Budget
from worker.desk.config import DeskConfig
from worker.store import Store
from worker.store.keys import Keys
from worker.store.records import EventRecord, LedgerAction

ORG = "20240001"
ACTION = LedgerAction(rule="r", index=0, type="comment", ticket="1", org=ORG, params={"text": "hi"})
EVENT = EventRecord(id="ev-1", kind="ticket.updated", org=ORG, ticket_id="1", ticket={"id": "1"})


def desk_config(keys: Keys) -> DeskConfig:
    return DeskConfig(
        client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r"), key_prefix=keys.desk_prefix
    )


def budget(redis, keys: Keys) -> Budget:
    return Budget.from_config(desk_config(keys), redis)


def fill(store: Store) -> None:
    store.ledger.record("a1", ACTION)
    store.ledger.claim("a1", "worker-a")
    store.events.append(EVENT)
    store.cursors.advance(ORG, datetime(2026, 12, 1, tzinfo=timezone.utc))
    store.mirror.put_many(ORG, {"1": {"id": "1"}})
    store.metrics.incr("events_total", "ticket.updated")


def test_given_two_namespaces_in_one_database_then_neither_store_sees_the_others_keys(redis_server):
    # given deployment a wrote its ledger, events, cursor, mirror and counters
    a = Store.connect(redis_server.client(), keys=Keys("a"))
    b = Store.connect(redis_server.client(), keys=Keys("b"))
    fill(a)
    # then deployment b sees none of it, and every key of a is under "a:"
    assert b.ledger.get("a1") is None and b.ledger.claim("a1", "worker-b")
    assert b.events.get_pending("ev-1") is None and b.events.pending_count() == 0
    assert b.cursors.get(ORG) is None and b.mirror.size(ORG) == 0 and b.metrics.counters() == {}
    assert a.ledger.get("a1") is not None and a.events.get_pending("ev-1") is not None
    names = set(redis_server.client().scan_iter("*"))
    assert names == set(a.redis.scan_iter(a.keys.pattern)) | set(b.redis.scan_iter(b.keys.pattern))


def test_given_two_namespaces_then_the_desk_budgets_and_token_caches_are_apart(redis_server):
    redis = redis_server.client()
    # given all of namespace a's leases taken and a 429 pause on it
    first = budget(redis, Keys("a"))
    for _ in range(first.max_concurrency):
        first.acquire(ORG, timeout_s=1.0)
    first.pause(ORG, 30.0)
    # then namespace b's budget of the same org is untouched
    second = budget(redis, Keys("b"))
    assert second.snapshot(ORG)["leases"] == 0 and second.snapshot(ORG)["pause_s"] == 0
    assert second.acquire(ORG, timeout_s=1.0)
    assert all(name.startswith("a:desk:budget:") for name in redis.scan_iter("a:*"))
    # and the same credentials' token cache differs per namespace
    tokens = [TokenProvider(desk_config(Keys(namespace)), redis) for namespace in ("a", "b")]
    assert tokens[0].cache_key.startswith("a:desk:oauth:") and tokens[1].cache_key.startswith("b:desk:oauth:")


def test_given_two_namespaces_then_dramatiq_queues_are_apart(redis_server):
    # given a message sent on namespace a's broker
    brokers = {
        name: make_broker(
            redis_server.url, Store.connect(redis_server.client(), keys=Keys(name)).dead_letters, Keys(name)
        )
        for name in ("a", "b")
    }
    message = brokers["a"].enqueue(dramatiq_message("deskpilot.evaluate"))
    # then its queue is under "a:dramatiq:", and b's queue of the same name is empty
    redis = redis_server.client()
    assert redis.llen("a:dramatiq:deskpilot.evaluate") == 1 and redis.hlen("a:dramatiq:deskpilot.evaluate.msgs") == 1
    assert not redis.exists("b:dramatiq:deskpilot.evaluate") and message.queue_name == "deskpilot.evaluate"
    assert list(redis.scan_iter("dramatiq:*")) == []


def dramatiq_message(queue: str):
    import dramatiq

    return dramatiq.Message(queue_name=queue, actor_name="evaluate", args=("ev-1",), kwargs={}, options={})


def test_store_scripts_are_loaded_once_and_then_sent_by_sha(redis_server):
    # given a fresh server and a store
    redis = redis_server.client()
    store = Store.connect(redis, keys=Keys("a"))
    # when scripts run many times (record, claim/release, cursor marks, event appends)
    for index in range(20):
        store.ledger.record(f"a{index}", ACTION)
        store.ledger.claim(f"a{index}", "worker-a")
        store.ledger.release(f"a{index}", "worker-a")
        store.cursors.advance(ORG, datetime(2026, 12, 1, 0, index, tzinfo=timezone.utc))
        store.events.append(replace(EVENT, id=f"ev-{index}"))
    # then no source was sent with EVAL, each script was loaded at most once, and every call went by SHA
    stats = redis.info("commandstats")
    assert "cmdstat_eval" not in stats
    assert stats["cmdstat_script|load"]["calls"] <= 4
    assert stats["cmdstat_evalsha"]["calls"] >= 80


@pytest.mark.parametrize("namespace", ["", "a:b", "a b", "x" * 65, "ä"])
def test_a_namespace_that_could_collide_or_break_a_key_is_refused(namespace):
    from config.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="DESKPILOT_REDIS_NAMESPACE"):
        load_settings(_env_file=None, redis_namespace=namespace)
