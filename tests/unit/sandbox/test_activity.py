"""The activity generator: random but reproducible changes that keep the desk consistent."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from sandbox.activity import KIND_WEIGHTS, ActivityGenerator
from sandbox.seed import seed_desk
from sandbox.state import Desk
from tests.unit.sandbox.helpers import FrozenClock, check_org

ANCHOR = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def seeded_desk(tickets: int = 40) -> Desk:
    desk = Desk(clock=FrozenClock(ANCHOR))
    seed_desk(desk, seed=3, tickets=tickets, anchor=ANCHOR)
    return desk


def test_steps_keep_the_desk_consistent_and_move_modified_time() -> None:
    # given a seeded desk and a generator
    desk = seeded_desk()
    generator = ActivityGenerator(desk, seed=11, rate_per_s=5)
    kinds = Counter()
    for _ in range(300):
        desk.clock.advance(timedelta(seconds=2))
        # when it makes a change
        change = generator.step()
        # then the changed ticket was modified now
        org = desk.orgs[change["orgId"]]
        assert org.tickets[change["ticketId"]]["modifiedTime"] == org.now_text()
        kinds[change["kind"]] += 1
    # and every kind happened, was counted, and the desk still holds together
    assert set(kinds) == set(KIND_WEIGHTS)
    assert generator.stats() == {"events": 300, "errors": 0, **kinds}
    for org in desk.orgs.values():
        check_org(org)


def test_changes_are_visible_to_search() -> None:
    desk = seeded_desk()
    generator = ActivityGenerator(desk, seed=2, rate_per_s=5)
    desk.clock.advance(timedelta(seconds=1))
    change = generator.step()
    org = desk.orgs[change["orgId"]]
    indexed = {t["id"]: t for t in org.indexed_tickets()}
    assert indexed[change["ticketId"]]["modifiedTime"] == org.now_text()


def test_the_same_seed_makes_the_same_changes() -> None:
    runs = []
    for _ in range(2):
        desk = seeded_desk()
        generator = ActivityGenerator(desk, seed=5, rate_per_s=5)
        runs.append([generator.step() for _ in range(50)])
    assert runs[0] == runs[1]


def test_activity_can_be_limited_to_some_orgs() -> None:
    desk = seeded_desk()
    generator = ActivityGenerator(desk, seed=5, rate_per_s=5, org_ids=["2389291"])
    assert {generator.step()["orgId"] for _ in range(30)} == {"2389291"}


def test_a_desk_with_no_org_refuses() -> None:
    with pytest.raises(LookupError):
        ActivityGenerator(Desk(), seed=1, rate_per_s=1).step()


def test_run_stops_after_max_events() -> None:
    desk = seeded_desk(tickets=10)
    generator = ActivityGenerator(desk, seed=1, rate_per_s=500, max_events=15)

    async def scenario() -> None:
        await asyncio.wait_for(generator.run(asyncio.Event()), timeout=5)

    asyncio.run(scenario())
    assert generator.stats()["events"] == 15


def test_run_stops_when_told() -> None:
    desk = seeded_desk(tickets=10)
    generator = ActivityGenerator(desk, seed=1, rate_per_s=0.5)  # one change every two seconds

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(generator.run(stop))
        await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, timeout=1)

    asyncio.run(scenario())
    assert generator.stats()["events"] == 0
