"""The event kinds of replies and reopens (ingest/diff.py): decided from the ticket alone, no API call."""

from __future__ import annotations

from datetime import datetime, timezone

from worker.ingest.diff import observe

START = datetime(2026, 11, 2, tzinfo=timezone.utc)
BEFORE = {
    "id": "1",
    "status": "Open",
    "threadCount": "1",
    "customerResponseTime": "2026-11-02T09:00:00Z",
    "modifiedTime": "2026-11-02T09:00:00Z",
}


def kinds(**after) -> tuple[str, ...]:
    return observe(BEFORE, {**BEFORE, "modifiedTime": "2026-11-02T10:00:00Z", **after}, START, None).kinds


def test_a_customer_message_is_replied_only():
    moved = {"threadCount": "2", "customerResponseTime": "2026-11-02T10:00:00Z"}
    assert kinds(**moved, lastThread={"direction": "in"}) == ("ticket.replied",)
    assert kinds(**moved) == ("ticket.replied",)  # without lastThread: the moved customerResponseTime tells


def test_an_agent_reply_is_agent_replied_only():
    assert kinds(threadCount="2", lastThread={"direction": "out"}) == ("ticket.agent_replied",)
    assert kinds(threadCount="2") == ("ticket.agent_replied",)


def test_both_sides_between_two_polls_give_both_kinds():
    both = kinds(threadCount="3", customerResponseTime="2026-11-02T09:30:00Z", lastThread={"direction": "out"})
    assert both == ("ticket.replied", "ticket.agent_replied")


def test_closed_to_open_is_a_reopen_and_an_update():
    closed = {**BEFORE, "status": "Closed", "closedTime": "2026-11-02T09:00:00Z"}
    after = {**BEFORE, "modifiedTime": "2026-11-02T10:00:00Z", "status": "Open", "closedTime": None}
    assert observe(closed, after, START, None).kinds == ("ticket.reopened", "ticket.updated")
    on_hold = {**BEFORE, "status": "On Hold"}
    assert observe(on_hold, after, START, None).kinds == ("ticket.updated",)  # On Hold is not closed
