"""The pick's pure logic: who qualifies (online, on shift) and which one a strategy takes."""

from __future__ import annotations

from datetime import datetime, timezone

from worker.actions.pick import least_loaded, qualified, round_robin
from worker.engine.calendars import Calendar, CalendarSpec
from worker.engine.routing import calendar_from_json, calendar_json

MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
MONDAY_20 = datetime(2026, 12, 7, 20, 0, tzinfo=timezone.utc)
DAY = calendar_json(Calendar.from_spec("day", CalendarSpec(timezone="UTC", hours={"mon": ["09:00-17:00"]})))
CANDIDATES = [{"id": "1"}, {"id": "2", "shift": "day"}, {"id": "3"}]


def test_offline_and_off_shift_candidates_are_left_out_with_their_reasons():
    found = qualified(CANDIDATES, {"2", "3"}, {"day": DAY}, MONDAY_20)
    assert found.agents == ["3"]
    assert found.why_none() == "1 off shift, 1 offline"


def test_unknown_presence_filters_nobody_and_an_open_shift_qualifies():
    assert qualified(CANDIDATES, None, {"day": DAY}, MONDAY_10).agents == ["1", "2", "3"]


def test_nobody_qualifies_names_why():
    found = qualified(CANDIDATES, set(), {"day": DAY}, MONDAY_10)
    assert found.agents == [] and found.why_none() == "3 offline"
    assert qualified([], None, {}, MONDAY_10).why_none() == "no candidates"


def test_round_robin_turns_over_the_qualified_and_least_loaded_takes_the_fewest_first_in_order():
    assert [round_robin(["a", "b", "c"], turn) for turn in range(4)] == ["a", "b", "c", "a"]
    assert least_loaded(["a", "b", "c"], {"a": 3, "b": 1, "c": 1}) == "b"
    assert least_loaded(["a", "b"], {}) == "a"


def test_a_calendar_survives_its_json_form():
    spec = CalendarSpec(
        timezone="Europe/Berlin",
        hours={"mon": ["09:00-12:00", "13:00-17:00"]},
        holidays=[{"date": "2026-12-24", "hours": ["09:00-12:00"]}],
    )
    calendar = Calendar.from_spec("x", spec)
    again = calendar_from_json("x", calendar_json(calendar))
    assert (again.zone, again.weekly, again.holidays) == (calendar.zone, calendar.weekly, calendar.holidays)
