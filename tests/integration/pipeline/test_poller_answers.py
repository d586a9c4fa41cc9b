"""The poller against a Desk answering wrongly on purpose (a fake transport) and a real redis-server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from structlog.testing import capture_logs

from worker.desk.errors import Forbidden, MalformedResponse
from worker.desk.resources import SearchesResource, TicketsResource
from worker.engine.values import parse_time
from worker.ingest.poller import Poller
from worker.store import Store

ORG = "9"
EARLIER = "2020-01-01T00:00:00.000Z"


class FakeClient:
    """The client's typed resources the poller reads through, over this fake's own `request` (its transport)."""

    @property
    def transport(self) -> Any:
        return self

    @property
    def searches(self) -> SearchesResource:
        return SearchesResource(self.transport)

    @property
    def tickets(self) -> TicketsResource:
        return TicketsResource(self.transport)


@dataclass
class WrongDesk(FakeClient):
    """Answers each search with the next body of `answers` (then no content)."""

    answers: list[Any]
    org_id: str = ORG
    calls: list[tuple[str, str]] = field(default_factory=list)

    def request(self, method: str, path: str, **_: Any) -> Any:
        self.calls.append((method, path))
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def store(redis_server) -> Store:
    store = Store.connect(redis_server.client())
    store.mirror.mark_backfilled(ORG)
    store.closed.mark_filled(ORG)
    return store


def ticket(ticket_id: str, modified: datetime, priority: str = "High") -> dict[str, Any]:
    return {
        "id": ticket_id,
        "status": "Open",
        "priority": priority,
        "modifiedTime": modified.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    }


NULL_BODY = MalformedResponse("a 200 answer whose body is null", status=200, method="GET", path="/tickets/search")


@pytest.mark.parametrize(
    "body",
    [
        {"errorCode": "INTERNAL_SERVER_ERROR", "message": "An internal server error occurred"},
        {"data": None},
        ["not", "a", "page"],
        NULL_BODY,
    ],
)
def test_a_search_answered_without_a_data_list_keeps_the_cursor(store, body):
    # given an org polled before
    cursor = datetime.now(timezone.utc) - timedelta(minutes=1)
    store.cursors.advance(ORG, cursor)
    sent: list[str] = []
    # when the search answers 2xx with something that is not a page
    with capture_logs() as logs:
        result = Poller(WrongDesk([body]), store, sent.append).poll()
    # then nothing was taken for "no changes": the cursor stays, and the failure is a warning and a counter
    assert store.cursors.get(ORG) == cursor
    assert result.failed and sent == []
    assert [entry["event"] for entry in logs if entry["log_level"] == "warning"] == ["poll.bad_answer"]
    assert store.metrics.counters()[("search_bad_answers_total", ORG)] == 1


def test_a_malformed_item_is_skipped_and_the_rest_of_the_page_is_read(store):
    # given two mirrored tickets
    now = datetime.now(timezone.utc)
    store.mirror.put_many(
        ORG, {"1": ticket("1", now - timedelta(hours=1), "Low"), "3": ticket("3", now - timedelta(hours=1), "Low")}
    )
    store.cursors.advance(ORG, now - timedelta(seconds=10))
    page = [
        ticket("1", now - timedelta(seconds=5)),
        {"id": "2", "status": "Open"},
        "garbage",
        {"modifiedTime": EARLIER},
        ticket("3", now - timedelta(seconds=4)),
    ]
    sent: list[str] = []
    # when one search page holds malformed items among good ones
    with capture_logs() as logs:
        Poller(WrongDesk([{"data": page}]), store, sent.append).poll()
    # then each good ticket's change is logged, each malformed item is one warning, and the cursor moved on
    assert sorted(store.events.get(event_id).ticket_id for event_id in sent) == ["1", "3"]
    skipped = [(entry["ticket"], entry["reason"]) for entry in logs if entry["event"] == "poll.item_skipped"]
    assert skipped == [("2", "no modifiedTime"), (None, "not an object"), (None, "no id")]
    assert store.metrics.counters()[("search_items_skipped_total", ORG)] == 3
    assert store.cursors.get(ORG) > now - timedelta(seconds=10)


@dataclass
class IndexedDesk(FakeClient):
    """Answers a search with the items whose modifiedTime lies in its range; `blank` answers are None first (what
    the transport makes of a 204 or an empty body; a 200 `null` is MalformedResponse there)."""

    items: list[dict[str, Any]]
    blank: int = 0
    org_id: str = ORG

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, **_: Any) -> Any:
        if self.blank:
            self.blank -= 1
            return None
        low, high = (parse_time(end) for end in params["modifiedTimeRange"].split(","))
        return {"data": [item for item in self.items if low <= parse_time(item["modifiedTime"]) <= high]}


def test_a_search_answered_empty_loses_no_change_once_search_answers_again(store):
    # given a mirrored ticket, and a search that last showed a change 100 s ago
    now = datetime.now(timezone.utc)
    store.mirror.put_many(ORG, {"1": ticket("1", now - timedelta(hours=1), "Low")})
    store.cursors.advance(ORG, now - timedelta(seconds=95))
    store.cursors.note_shown(ORG, now - timedelta(seconds=100))
    desk = IndexedDesk([ticket("1", now - timedelta(seconds=90))], blank=1)
    sent: list[str] = []
    poller = Poller(desk, store, sent.append, overlap=timedelta(seconds=30))
    # when a person's change 90 s ago meets a search answered empty, then a search that answers
    poller.poll()
    assert sent == []
    poller.poll()
    # then the change is logged: the window starts at what search last showed, not at the last poll
    assert [store.events.get(event_id).changes for event_id in sent] == [{"priority": ("Low", "High")}]


def test_a_refused_search_falls_back_to_the_ticket_list_through_the_same_tolerance(store):
    # given a mirrored ticket, and a Desk whose search is refused (a token without the search scope)
    now = datetime.now(timezone.utc)
    store.mirror.put_many(ORG, {"1": ticket("1", now - timedelta(hours=1), "Low")})
    store.cursors.advance(ORG, now - timedelta(seconds=10))
    refused = Forbidden("search is not allowed", status=403, method="GET", path="/tickets/search")
    desk = WrongDesk([refused, {"data": [ticket("1", now - timedelta(seconds=5)), "garbage"]}])
    sent: list[str] = []
    # when it polls
    result = Poller(desk, store, sent.append).poll()
    # then the list is read instead, its change logged and its malformed item skipped
    assert desk.calls == [("GET", "/tickets/search"), ("GET", "/tickets")]
    assert [store.events.get(event_id).ticket_id for event_id in sent] == ["1"]
    assert result.skipped == 1 and not result.failed


def test_a_ticket_list_answered_without_a_data_list_keeps_the_cursor(store):
    cursor = datetime.now(timezone.utc) - timedelta(minutes=1)
    store.cursors.advance(ORG, cursor)
    refused = Forbidden("search is not allowed", status=403, method="GET", path="/tickets/search")
    result = Poller(WrongDesk([refused, {"data": None}]), store, [].append).poll()
    assert result.failed and store.cursors.get(ORG) == cursor
