"""Paging: 204, short pages, limits, and walking a search past the 5,000-result cap by time windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from worker.desk.errors import SearchCapExceeded
from worker.desk.paging import iso, iter_offset, iter_windowed, time_range


def test_iso_is_utc_with_milliseconds_and_z():
    moment = datetime(2016, 6, 21, 13, 16, 14, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert iso(moment) == "2016-06-21T11:16:14.123Z"
    assert time_range(moment, moment) == "2016-06-21T11:16:14.123Z,2016-06-21T11:16:14.123Z"


def test_given_a_204_first_page_then_nothing_and_one_call():
    calls = []

    def fetch(from_, limit):
        calls.append((from_, limit))
        return None

    assert list(iter_offset(fetch, limit=10)) == []
    assert calls == [(0, 10)]


def test_given_a_short_last_page_then_no_extra_call():
    data = list(range(25))
    calls = []

    def fetch(from_, limit):
        calls.append((from_, limit))
        return data[from_ : from_ + limit]

    assert list(iter_offset(fetch, limit=10)) == data
    assert calls == [(0, 10), (10, 10), (20, 10)]


def test_given_an_exact_multiple_then_the_204_ends_it():
    data = list(range(20))

    def fetch(from_, limit):
        return data[from_ : from_ + limit] or None

    assert list(iter_offset(fetch, limit=10)) == data


def test_max_items_and_cap_stop_early():
    def fetch(from_, limit):
        return list(range(from_, from_ + limit))

    assert list(iter_offset(fetch, limit=10, max_items=15)) == list(range(15))
    assert list(iter_offset(fetch, limit=30, cap=50)) == list(range(50))


def test_limit_outside_1_100_is_refused():
    with pytest.raises(ValueError):
        list(iter_offset(lambda from_, limit: [], limit=101))


@dataclass
class Item:
    id: str
    modifiedTime: datetime


class FakeSearch:
    """A search over items sorted by modifiedTime with the Desk's cap on `from`."""

    def __init__(self, items, cap):
        self.items = sorted(items, key=lambda i: (i.modifiedTime, i.id))
        self.cap = cap
        self.windows = []

    def __call__(self, window, from_, limit):
        assert from_ + limit <= self.cap, "never page past the cap"
        if window is None:
            matching = self.items
        else:
            start_s, end_s = window.split(",")
            start = datetime.fromisoformat(start_s.replace("Z", "+00:00"))
            end = datetime.fromisoformat(end_s.replace("Z", "+00:00"))
            matching = [i for i in self.items if start <= i.modifiedTime <= end]
        if from_ == 0:
            self.windows.append(window)
        return matching[from_ : from_ + limit] or None


def _items(n, per_ms=1, base=datetime(2024, 1, 1, tzinfo=timezone.utc)):
    return [Item(id=str(1000 + k), modifiedTime=base + timedelta(milliseconds=k // per_ms)) for k in range(n)]


def test_given_more_results_than_the_cap_then_windows_walk_all_of_them_once():
    items = _items(230, per_ms=3)  # three items share each millisecond, so window edges split groups
    fetch = FakeSearch(items, cap=50)
    got = list(iter_windowed(fetch, time_of=lambda i: i.modifiedTime, id_of=lambda i: i.id, limit=20, cap=50))
    assert [i.id for i in got] == [i.id for i in fetch.items]
    assert len(fetch.windows) > 4
    assert fetch.windows[0] is None  # the first window is the caller's (none here)


def test_given_bounds_then_every_window_stays_inside_them():
    items = _items(120)
    start, end = items[10].modifiedTime, items[99].modifiedTime
    fetch = FakeSearch(items, cap=30)
    got = list(
        iter_windowed(
            fetch, time_of=lambda i: i.modifiedTime, id_of=lambda i: i.id, start=start, end=end, limit=10, cap=30
        )
    )
    assert [i.id for i in got] == [i.id for i in items[10:100]]
    assert all(w.endswith(iso(end)) for w in fetch.windows)


def test_given_more_than_cap_items_in_one_millisecond_then_search_cap_exceeded():
    items = _items(80, per_ms=80)
    fetch = FakeSearch(items, cap=50)
    with pytest.raises(SearchCapExceeded):
        list(iter_windowed(fetch, time_of=lambda i: i.modifiedTime, id_of=lambda i: i.id, limit=25, cap=50))
