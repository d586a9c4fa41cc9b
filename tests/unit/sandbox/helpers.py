"""Shared by the sandbox tests: a clock that moves only when told, and what must hold in any desk the seed or
the activity generator leaves behind."""

from __future__ import annotations

from datetime import datetime

from sandbox.clock import Clock
from sandbox.records import mentioned_zuids
from sandbox.state import COUNT_FIELDS, Org, status_type


class FrozenClock(Clock):
    """The sandbox clock, standing still between `advance` calls."""

    def __init__(self, start: datetime) -> None:
        super().__init__()
        self._start = start

    def now(self) -> datetime:
        return self._start + self._offset


def check_org(org: Org) -> None:
    agents_by_zuid = {agent["zuid"] for agent in org.agents.values()}
    for ticket in org.tickets.values():
        where = f"ticket {ticket['id']}"
        assert ticket["contactId"] in org.contacts, where
        assert ticket["departmentId"] in org.departments, where
        if ticket["assigneeId"] is not None:
            assert ticket["assigneeId"] in org.agents, where
            assert ticket["assigneeId"] in org.departments[ticket["departmentId"]]["associatedAgentIds"], where
        assert ticket["statusType"] == status_type(ticket["status"]), where
        assert (ticket["closedTime"] is not None) == (ticket["statusType"] == "Closed"), where
        for kind, count_field in COUNT_FIELDS.items():
            children = [c for c in org.children(kind, ticket["id"]) if c.get("status") != "DRAFT"]  # drafts uncounted
            assert ticket[count_field] == str(len(children)), (where, kind)
        threads = org.children("threads", ticket["id"])
        assert threads and threads[0]["direction"] == "in", where
        times = [thread["createdTime"] for thread in threads]
        assert times == sorted(times), where
        assert ticket["createdTime"] <= ticket["modifiedTime"], where
        assert max(times) <= ticket["modifiedTime"], where
        incoming = [thread["createdTime"] for thread in threads if thread["direction"] == "in"]
        assert ticket["customerResponseTime"] == max(incoming), where
        for thread in threads:
            if thread["direction"] == "out":
                assert thread["responderId"] in org.agents, where
        for comment in org.children("comments", ticket["id"]):
            assert comment["commenterId"] in org.agents, where
            assert all(zuid in agents_by_zuid for zuid in mentioned_zuids(comment["content"])), where
