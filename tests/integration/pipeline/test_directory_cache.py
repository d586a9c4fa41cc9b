"""The directory cache against the sandbox Desk over real HTTP and a real redis-server: one fetch of an org's names
per TTL shared by every process through Redis, a local memo in each, and each agent's open-ticket load counted
from the mirror (no API call)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from structlog.testing import capture_logs

from tests.integration.pipeline.act_support import desk_clients, direct_api, setup
from tests.support.pipeline import wait_until
from worker.desk.client import DeskClient
from worker.ingest.directory import DirectoryCache
from worker.store import Store


def an_agent_id(sandbox) -> str:
    with direct_api(sandbox) as api:
        return api.get("/agents", params={"limit": 1}).json()["data"][0]["id"]


@pytest.fixture
def org(sandbox, redis_server) -> Iterator[tuple[Store, DeskClient]]:
    settings, store, _ = setup(sandbox, redis_server)
    with desk_clients(settings, store) as client_for:
        yield store, client_for(sandbox.org_ids[0])


def fetches(logs: list[dict]) -> int:
    return sum(1 for entry in logs if entry["event"] == "directory.fetched")


def test_two_processes_share_one_fetch_and_each_memoises_its_directory(org, sandbox):
    store, client = org
    agent_id = an_agent_id(sandbox)
    first_process, second_process = DirectoryCache(store), DirectoryCache(store)
    with capture_logs() as logs:
        # When two processes ask for the org's directory, and ask again
        first = first_process.get(client)
        second = second_process.get(client)
        again = first_process.get(client)
    # Then the Desk was asked once; both see the same agents and departments
    assert fetches(logs) == 1
    assert first.agent(agent_id) is not None and first.agent(agent_id) == second.agent(agent_id)
    assert again is first  # the local memo: not even Redis is read again
    # and the catalogue rule reloads are checked against comes from the same shared fetch
    with capture_logs() as logs:
        assert second_process.catalogue(client) is not None
    assert fetches(logs) == 0


def test_after_the_ttl_the_names_are_fetched_again(org):
    store, client = org
    with capture_logs() as logs:
        DirectoryCache(store, ttl_s=1).get(client)
        # When another process asks once the shared copy has expired
        wait_until(lambda: DirectoryCache(store, ttl_s=1).get(client) and fetches(logs) == 2, 10.0, "a second fetch")
    # Then it was fetched a second time (and only then)
    assert fetches(logs) == 2


def test_open_ticket_loads_are_counted_from_the_mirror(org, sandbox):
    store, client = org
    agent = DirectoryCache(store).get(client).agent(an_agent_id(sandbox))
    store.mirror.put_many(
        sandbox.org_ids[0],
        {
            "1": {"id": "1", "status": "Open", "assigneeId": agent["id"]},
            "2": {"id": "2", "status": "On Hold", "assigneeId": agent["id"]},
            "3": {"id": "3", "status": "Closed", "assigneeId": agent["id"]},
            "4": {"id": "4", "status": "Open", "assigneeId": None},
        },
    )
    # When a process without a memo builds the directory
    directory = DirectoryCache(store).get(client)
    # Then the agent's load is its open tickets in the mirror (closed and unassigned ones left out)
    assert directory.load(agent) == 2


def test_a_ttl_under_a_second_is_kept_not_refused_by_redis(org, sandbox):
    store, client = org
    # Given a TTL the settings allow (any positive number of seconds) under one second
    # When the directory is fetched
    directory = DirectoryCache(store, ttl_s=0.5).get(client)
    # Then it is built (the shared copy expires after the TTL; Redis refuses an expiry of 0 s)
    assert directory.agent(an_agent_id(sandbox)) is not None
