"""The walks that give items as the Desk sent them (searches.iter_ticket_items, tickets.iter_items): unparsed,
placed by the caller's keys, and a 2xx page without a data list is an error, never the end (fake transport)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from worker.desk.errors import BadSearchAnswer, MalformedResponse
from worker.desk.resources import SearchesResource, TicketsResource

START = datetime(2026, 11, 28, 9, tzinfo=timezone.utc)
END = datetime(2026, 11, 29, 9, tzinfo=timezone.utc)


class Transport:
    org_id = "9"

    def __init__(self, answers: list[Any]) -> None:
        self.answers, self.calls = answers, []

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, **_: Any) -> Any:
        self.calls.append((method, path, dict(params or {})))
        return self.answers.pop(0) if self.answers else None


def test_search_items_come_unparsed_in_a_modified_time_window():
    item = {"id": "1", "modifiedTime": "2026-11-28T10:00:00.000Z", "cf_x": "kept", "priority": 3}
    transport = Transport([{"data": [item]}])
    assert list(SearchesResource(transport).iter_ticket_items(modified_from=START, modified_to=END)) == [item]
    method, path, params = transport.calls[0]
    assert (method, path, params["sortBy"]) == ("GET", "/tickets/search", "modifiedTime")
    assert params["modifiedTimeRange"] == "2026-11-28T09:00:00.000Z,2026-11-29T09:00:00.000Z"


def test_the_callers_keys_place_items_the_default_keys_cannot():
    class Keys:
        @staticmethod
        def time_of(item: Any) -> datetime:
            return START

        @staticmethod
        def id_of(item: Any) -> str:
            return str(id(item))

    page = [{"id": "1", "modifiedTime": "2026-11-28T10:00:00.000Z"}, "garbage"]
    walked = SearchesResource(Transport([{"data": list(page)}])).iter_ticket_items(modified_to=END, keys=Keys())
    assert list(walked) == page


@pytest.mark.parametrize("body", [{"errorCode": "INTERNAL_SERVER_ERROR"}, {"data": None}, ["x"]])
def test_a_page_without_a_data_list_raises(body):
    with pytest.raises(BadSearchAnswer) as raised:
        list(SearchesResource(Transport([body])).iter_ticket_items(modified_from=START, modified_to=END))
    assert isinstance(raised.value, MalformedResponse) and raised.value.path == "/tickets/search"
    with pytest.raises(BadSearchAnswer):
        list(TicketsResource(Transport([body])).iter_items())


def test_ticket_list_items_come_unparsed_page_by_page():
    first = [{"id": str(number)} for number in range(2)]
    transport = Transport([{"data": first}, {"data": ["garbage"]}])
    assert list(TicketsResource(transport).iter_items(include=["contacts", "assignee"], page_size=2)) == [
        *first,
        "garbage",
    ]
    assert [call[2] for call in transport.calls] == [
        {"include": "contacts,assignee", "from": 0, "limit": 2},
        {"include": "contacts,assignee", "from": 2, "limit": 2},
    ]
