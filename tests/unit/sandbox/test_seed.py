"""The seeded desk: deterministic from its seed, realistic, and consistent."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from sandbox.clock import format_time
from sandbox.seed import HISTORY, SeedInfo, seed_desk
from sandbox.state import Desk, Org, public
from tests.unit.sandbox.helpers import FrozenClock, check_org

ANCHOR = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
COLLECTIONS = (
    "tickets",
    "threads",
    "comments",
    "attachments",
    "timeEntries",
    "tasks",
    "contacts",
    "accounts",
    "agents",
    "departments",
    "contracts",
    "mail_reply_addresses",
)


def snapshot(desk: Desk) -> dict:
    return {
        org_id: {name: [public(r) for r in getattr(org, name).values()] for name in COLLECTIONS}
        | {"profile": org.profile}
        for org_id, org in desk.orgs.items()
    }


def seeded(seed: int, **options) -> tuple[Desk, SeedInfo]:
    desk = Desk(clock=FrozenClock(ANCHOR))
    return desk, seed_desk(desk, seed=seed, anchor=ANCHOR, **options)


@pytest.fixture(scope="module")
def default_desk() -> tuple[Desk, SeedInfo]:
    return seeded(1)


def orgs_of(desk: Desk) -> list[Org]:
    return list(desk.orgs.values())


def test_the_same_seed_gives_the_same_desk() -> None:
    # when two desks are seeded alike, then every record is the same, ids and times included
    first, second = seeded(7, tickets=60), seeded(7, tickets=60)
    assert snapshot(first[0]) == snapshot(second[0])


def test_another_seed_gives_another_desk() -> None:
    first, second = seeded(7, tickets=60), seeded(8, tickets=60)
    subjects = [[t["subject"] for t in org.tickets.values()] for org in orgs_of(first[0])]
    other = [[t["subject"] for t in org.tickets.values()] for org in orgs_of(second[0])]
    assert subjects != other
    assert snapshot(first[0]) != snapshot(second[0])


def test_orgs_have_their_own_ids_and_id_ranges(default_desk) -> None:
    desk, info = default_desk
    assert info.org_ids == ["2389290", "2389291"] == list(desk.orgs)
    first, second = orgs_of(desk)
    assert first.id_base != second.id_base
    assert not set(first.tickets) & set(second.tickets)
    assert first.profile["isDefault"] is True and second.profile["isDefault"] is False
    assert [len(org.tickets) for org in orgs_of(desk)] == [200, 200]


def test_each_org_has_its_cast(default_desk) -> None:
    desk, _ = default_desk
    for org in orgs_of(desk):
        agents = list(org.agents.values())
        names = {d["name"] for d in org.departments.values()}
        assert {"Support", "Tier 2", "Billing"} <= names <= {"Support", "Tier 2", "Billing", "Sales"}
        assert len(agents) == 10
        assert Counter(a["status"] for a in agents)["DISABLED"] == 1
        assert all(a["zuid"] for a in agents) and len({a["zuid"] for a in agents}) == 10
        assert any(len(a["associatedDepartmentIds"]) > 1 for a in agents)
        for department in org.departments.values():
            members = [org.agents[i] for i in department["associatedAgentIds"]]
            assert sum(m["status"] == "ACTIVE" for m in members) >= 2
            assert [
                a for a in org.mail_reply_addresses.values() if a["departmentId"] == department["id"] and a["isActive"]
            ]
        assert [a for a in org.mail_reply_addresses.values() if not a["isActive"]]
        accounts = {a["accountName"]: a for a in org.accounts.values()}
        assert len(accounts) == 20 and {"Zylker", "Acme"} <= set(accounts)
        assert len(org.contacts) == 60
        assert all(c["accountId"] is None or c["accountId"] in org.accounts for c in org.contacts.values())
        for vip in ("Zylker", "Acme"):
            assert sum(c["accountId"] == accounts[vip]["id"] for c in org.contacts.values()) >= 5
        assert org.contracts and all(c["accountId"] in org.accounts for c in org.contracts.values())


def test_tickets_cover_every_status_priority_and_channel(default_desk) -> None:
    desk, _ = default_desk
    for org in orgs_of(desk):
        tickets = list(org.tickets.values())
        assert {t["status"] for t in tickets} == {"Open", "On Hold", "Escalated", "Closed"}
        assert {t["priority"] for t in tickets} == {"Low", "Medium", "High", "Urgent"}
        assert {t["channel"] for t in tickets} == {"Email", "Phone", "Chat", "Web", "Forums", "Twitter", "Facebook"}
        assert any(t["assigneeId"] is None for t in tickets)
        assert all(t["customFields"]["ModelName"] for t in tickets)


def test_tickets_and_their_children_are_consistent(default_desk) -> None:
    desk, _ = default_desk
    for org in orgs_of(desk):
        check_org(org)


def test_history_spreads_over_weeks_before_the_anchor(default_desk) -> None:
    desk, info = default_desk
    assert info.anchor == ANCHOR
    earliest, latest = format_time(ANCHOR - HISTORY), format_time(ANCHOR)
    for org in orgs_of(desk):
        tickets = list(org.tickets.values())
        created = [t["createdTime"] for t in tickets]
        assert all(earliest <= c <= latest for c in created)
        assert min(created) < format_time(ANCHOR - timedelta(days=28))  # weeks, not hours
        assert created == sorted(created)  # numbered in the order they came in
        assert [int(t["ticketNumber"]) for t in tickets] == list(range(101, 101 + len(tickets)))
        assert all(t["modifiedTime"] <= latest for t in tickets)
        assert all(r["createdTime"] <= latest for r in org.threads.values())


def test_children_are_seeded(default_desk) -> None:
    desk, _ = default_desk
    for org in orgs_of(desk):
        assert max(int(t["threadCount"]) for t in org.tickets.values()) <= 6
        assert org.comments and org.timeEntries
        assert any("zsu[@user:" in c["content"] for c in org.comments.values())
        replies = [t for t in org.threads.values() if t["direction"] == "out"]
        emailed = [t for t in replies if t["channel"] == "EMAIL"]
        assert emailed and all(t["fromEmailAddress"].endswith(".zohodesk.com") for t in emailed)
        assert all(t["fromEmailAddress"] is None for t in replies if t["channel"] != "EMAIL")


def test_closed_and_on_hold_tickets_end_with_the_agents_reply(default_desk) -> None:
    desk, _ = default_desk
    for org in orgs_of(desk):
        for ticket in org.tickets.values():
            if ticket["status"] in ("Closed", "On Hold"):
                assert org.children("threads", ticket["id"])[-1]["direction"] == "out"
            if ticket["status"] == "Closed":
                assert ticket["closedTime"] >= org.children("threads", ticket["id"])[-1]["createdTime"]


def test_seeded_tickets_are_searchable(default_desk) -> None:
    desk, _ = default_desk
    org = orgs_of(desk)[0]
    assert {t["id"] for t in org.indexed_tickets()} == set(org.tickets)
