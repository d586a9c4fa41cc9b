"""What a search answer must be before the poller trusts it (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from worker.ingest.search_answers import BadSearchAnswer, ItemKeys, item_problem, page_items

GOOD = {"id": "1", "modifiedTime": "2026-11-28T10:00:00.000Z"}


@pytest.mark.parametrize(
    "body", [{"errorCode": "INTERNAL_SERVER_ERROR", "message": "x"}, {"data": None}, {"data": "x"}, [GOOD], "null"]
)
def test_a_2xx_answer_without_a_data_list_is_an_error_not_an_empty_page(body):
    with pytest.raises(BadSearchAnswer) as raised:
        page_items(body, "/tickets/search")
    assert raised.value.path == "/tickets/search"


def test_no_content_is_an_empty_page_and_a_data_list_is_the_page():
    assert page_items(None, "/tickets/search") == []
    assert page_items({"data": [GOOD]}, "/tickets/search") == [GOOD]


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("x", "not an object"),
        ({"modifiedTime": GOOD["modifiedTime"]}, "no id"),
        ({"id": 7, "modifiedTime": GOOD["modifiedTime"]}, "no id"),
        ({"id": "1"}, "no modifiedTime"),
        ({"id": "1", "modifiedTime": "yesterday"}, "no modifiedTime"),
        (GOOD, None),
    ],
)
def test_an_item_without_a_usable_id_or_modified_time_is_named(item, problem):
    assert item_problem(item) == problem


def test_a_malformed_item_takes_the_time_of_the_good_one_before_it():
    start = datetime(2026, 11, 28, 9, tzinfo=timezone.utc)
    keys = ItemKeys(start)
    assert keys.time_of({"id": "0"}) == start
    assert keys.time_of(GOOD) == datetime(2026, 11, 28, 10, tzinfo=timezone.utc)
    assert keys.time_of({"id": "2", "modifiedTime": None}) == datetime(2026, 11, 28, 10, tzinfo=timezone.utc)
    assert keys.id_of(GOOD) == "1" and keys.id_of({"x": 1}).startswith("malformed-")
