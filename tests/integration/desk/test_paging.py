"""Paging over real HTTP: 204 for empty lists, short last pages, and walking a search past its 5,000 cap."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from tests.support.redis_server import RedisServer
from tests.support.sandbox import SandboxProcess
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.paging import SEARCH_CAP


def record_calls(desk) -> list[tuple[str, str, dict]]:
    """Keep (method, path, params) of each call the client makes (a spy on our own transport)."""
    calls: list[tuple[str, str, dict]] = []
    send = desk.transport.request

    def spy(method, path, **kwargs):
        calls.append((method, path, dict(kwargs.get("params") or {})))
        return send(method, path, **kwargs)

    desk.transport.request = spy
    return calls


def test_given_an_empty_list_then_the_204_gives_nothing_in_one_call(desk):
    created = desk.tickets.create(
        {
            "subject": "no comments yet",
            "departmentId": desk.departments.list()[0].id,
            "contact": {"lastName": "Empty", "email": "empty@example.com"},
        }
    )
    calls = record_calls(desk)
    assert desk.comments.list(created.id) == []
    assert list(desk.comments.iter(created.id)) == []
    assert len(calls) == 2


def test_given_a_short_last_page_then_paging_stops_without_another_call(desk):
    total = len(list(desk.tickets.iter()))
    assert total == 50  # the sandbox fixture seeds 50 tickets per org
    calls = record_calls(desk)
    assert len(list(desk.tickets.iter(page_size=30))) == 50
    assert [c[2]["from"] for c in calls] == [0, 30]  # 30 + a short 20: done


def test_given_an_exact_multiple_then_the_204_ends_the_walk(desk):
    calls = record_calls(desk)
    ids = [t.id for t in desk.tickets.iter(page_size=25)]
    assert len(ids) == len(set(ids)) == 50
    assert [c[2]["from"] for c in calls] == [0, 25, 50]


def test_given_more_search_results_than_the_cap_then_time_windows_walk_them_all_once():
    directory = Path(tempfile.mkdtemp(prefix="desk-cap-"))
    redis_server = RedisServer(directory=directory).start()
    sandbox = SandboxProcess(orgs=1, tickets=SEARCH_CAP + 300).start()
    desk = DeskClient(
        desk_config(desk_settings(sandbox, redis_server)), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY
    )
    try:
        every_id = {t.id for t in desk.tickets.iter()}
        assert len(every_id) == SEARCH_CAP + 300
        calls = record_calls(desk)
        walked = list(desk.searches.iter_tickets())
        assert len(walked) == len(every_id)
        assert {t.id for t in walked} == every_id
        times = [t.modifiedTime for t in walked]
        assert times == sorted(times)
        windows = [c[2].get("modifiedTimeRange") for c in calls if c[2].get("from") == 0]
        assert windows[0] is None and len(windows) >= 2 and all(windows[1:])
        assert all(c[2]["from"] + c[2]["limit"] <= SEARCH_CAP for c in calls)
    finally:
        desk.close()
        sandbox.stop()
        redis_server.stop()
