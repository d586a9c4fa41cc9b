"""The thread page the activity keeper shares with the SLA timeline (ingest/thread_reads.py): which changes make the
timeline read threads, when a kept page is whole, and that the timeline reads only the rest of one that is not.
Pure, with a fake transport that records the requests."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from worker.ingest.diff import Observation
from worker.ingest.thread_reads import ThreadReads
from worker.ingest.timeline_steps import threads_needed
from worker.ingest.timeline_sync import TimelineKeeper

BEFORE = {"id": "7", "customerResponseTime": "2026-12-01T09:00:00Z", "threadCount": "2"}


def test_an_agent_reply_or_several_threads_need_the_threads_and_a_customer_message_does_not():
    reply = {**BEFORE, "threadCount": "3"}
    customer = {**reply, "customerResponseTime": "2026-12-01T10:00:00Z"}
    assert threads_needed(BEFORE, reply, Observation(("ticket.agent_replied",), new_threads=1))
    assert not threads_needed(BEFORE, customer, Observation(("ticket.replied",), new_threads=1))
    assert threads_needed(BEFORE, customer, Observation(("ticket.replied",), new_threads=2))
    assert not threads_needed(BEFORE, {**BEFORE, "status": "Closed"}, Observation(("ticket.updated",)))
    assert threads_needed(None, {**BEFORE, "createdTime": "2026-12-01T08:00:00Z"}, Observation(("ticket.created",)))


def test_a_page_is_kept_for_one_state_of_one_ticket_and_taken_once():
    reads = ThreadReads()
    ticket = {"id": "7", "modifiedTime": "2026-12-01T10:00:00Z"}
    reads.put(ticket, 100, [{"id": "a"}])
    assert reads.take({**ticket, "modifiedTime": "2026-12-01T11:00:00Z"}) is None  # a later state: not this page
    page = reads.take(ticket)
    assert page is not None and page.whole and [item["id"] for item in page.items] == ["a"]
    assert reads.take(ticket) is None
    reads.put(ticket, 2, [{"id": "a"}, {"id": "b"}])
    assert reads.take(ticket).whole is False  # as many as asked: there may be more


class _Transport:
    def __init__(self, threads: list[dict[str, Any]]) -> None:
        self.threads = threads
        self.asked: list[tuple[int, int]] = []

    def request(self, method: str, path: str, params: dict[str, int]) -> dict[str, Any]:
        self.asked.append((params["from"], params["limit"]))
        return {"data": self.threads[params["from"] : params["from"] + params["limit"]]}


def test_the_timeline_reads_only_the_rest_of_a_page_that_is_not_whole():
    threads = [{"id": str(n)} for n in range(150)]
    transport = _Transport(threads)
    keeper = TimelineKeeper(SimpleNamespace(transport=transport), store=None)  # type: ignore[arg-type]
    ticket = {"id": "7", "modifiedTime": "2026-12-01T10:00:00Z"}
    keeper.reads.put(ticket, 100, threads[:100])
    assert keeper._threads_of(ticket) == threads and transport.asked == [(100, 100)]
    keeper.reads.put(ticket, 100, threads[:40])
    transport.asked.clear()
    assert keeper._threads_of(ticket) == threads[:40] and transport.asked == []
