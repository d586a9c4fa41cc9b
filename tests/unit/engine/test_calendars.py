"""Business calendars: open hours, business time between instants, adding business time, across DST and holidays."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from worker.engine.calendars import ALL_DAY, WEEKDAYS, Calendar, CALENDAR_24x7, CalendarSpec

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = timezone.utc
OFFICE_HOURS = {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def calendar(zone: ZoneInfo = BERLIN, hours: dict[str, list[str]] | None = None, **spec: Any) -> Calendar:
    return Calendar.from_spec("support", CalendarSpec(timezone=zone.key, hours=hours or OFFICE_HOURS, **spec))


def every_day(*ranges: str) -> dict[str, list[str]]:
    return {day: list(ranges) for day in WEEKDAYS}


def local(zone: ZoneInfo, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def berlin(text: str) -> datetime:
    return local(BERLIN, text)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


# --- is_open ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-02-13 08:59", False),
        ("2026-02-13 09:00", True),
        ("2026-02-13 16:59", True),
        ("2026-02-13 17:00", False),
        ("2026-02-14 12:00", False),
    ],
)
def test_is_open_within_weekday_hours_only_with_the_end_excluded(moment: str, expected: bool) -> None:
    # given Monday-to-Friday 09:00-17:00 in Berlin / when asked at a Berlin wall time / then open inside only
    assert calendar().is_open(berlin(moment)) is expected


def test_is_open_reads_the_instant_in_the_calendars_zone() -> None:
    # given a Berlin office / when asked at 08:30 UTC on a winter Friday (09:30 in Berlin) / then it is open
    assert calendar().is_open(datetime(2026, 2, 13, 8, 30, tzinfo=UTC))


# --- weekends, overnight, closed time --------------------------------------------------------------------------


def test_four_business_hours_from_friday_afternoon_land_on_monday_morning() -> None:
    # given 09:00-17:00 on weekdays and a Friday 15:00 start
    start = berlin("2026-02-13 15:00")
    # when 4 business hours are added
    due = calendar().add_business_time(start, hours(4))
    # then the weekend is skipped: Monday 11:00 Berlin, answered in UTC
    assert due == berlin("2026-02-16 11:00")
    assert due.tzinfo is UTC


def test_business_time_over_a_weekend_counts_only_open_hours() -> None:
    # given Friday 15:00 and Monday 11:00 / when the business time between is measured / then it is 2h + 2h
    assert calendar().business_time_between(berlin("2026-02-13 15:00"), berlin("2026-02-16 11:00")) == hours(4)


def test_overnight_span_counts_the_evening_and_the_next_morning() -> None:
    # given Monday 16:00 to Tuesday 10:00 / when measured / then 1h on Monday and 1h on Tuesday
    assert calendar().business_time_between(berlin("2026-02-16 16:00"), berlin("2026-02-17 10:00")) == hours(2)


def test_a_night_shift_written_over_midnight_runs_on_without_a_break() -> None:
    # given a night shift 22:00-24:00 plus 00:00-06:00 the next morning
    night = calendar(hours={"mon": ["22:00-24:00"], "tue": ["00:00-06:00"]})
    # when 4 business hours are added from Monday 23:00, and the open intervals are listed
    due = night.add_business_time(berlin("2026-02-16 23:00"), hours(4))
    intervals = list(night.open_intervals(berlin("2026-02-16 12:00"), berlin("2026-02-17 12:00")))
    # then the shift is one interval across midnight and the answer lands on Tuesday 03:00
    assert due == berlin("2026-02-17 03:00")
    assert intervals == [(berlin("2026-02-16 22:00"), berlin("2026-02-17 06:00"))]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-02-14 10:00", "2026-02-15 20:00"),
        ("2026-02-13 17:00", "2026-02-16 09:00"),
        ("2026-02-16 18:00", "2026-02-16 23:00"),
    ],
)
def test_spans_wholly_in_closed_time_hold_no_business_time(start: str, end: str) -> None:
    # given a span that starts and ends while closed / when measured / then it is zero
    assert calendar().business_time_between(berlin(start), berlin(end)) == timedelta()


def test_adding_from_closed_time_starts_counting_at_the_next_opening() -> None:
    # given a Saturday start / when one business hour is added / then it is up at Monday 10:00
    assert calendar().add_business_time(berlin("2026-02-14 10:00"), hours(1)) == berlin("2026-02-16 10:00")


def test_an_amount_that_fills_the_day_ends_at_closing_not_at_the_next_opening() -> None:
    # given Friday 15:00 / when exactly the 2 remaining hours are added / then it is Friday 17:00
    assert calendar().add_business_time(berlin("2026-02-13 15:00"), hours(2)) == berlin("2026-02-13 17:00")


def test_adding_nothing_returns_the_start_even_when_closed() -> None:
    # given a Saturday start / when zero is added / then the start comes back, in UTC
    start = berlin("2026-02-14 10:00")
    assert calendar().add_business_time(start, timedelta()) == start


# --- negative amounts ------------------------------------------------------------------------------------------


def test_a_negative_amount_goes_back_over_the_weekend() -> None:
    # given Monday 11:00 / when 4 business hours are taken away / then it is Friday 15:00
    assert calendar().add_business_time(berlin("2026-02-16 11:00"), -hours(4)) == berlin("2026-02-13 15:00")


def test_going_back_exactly_to_opening_stops_at_the_opening() -> None:
    # given Monday 11:00 / when 2 business hours are taken away / then it is Monday 09:00, not Friday 17:00
    assert calendar().add_business_time(berlin("2026-02-16 11:00"), -hours(2)) == berlin("2026-02-16 09:00")


def test_going_back_from_closed_time_counts_from_the_last_closing() -> None:
    # given Saturday noon / when 1 business hour is taken away / then it is Friday 16:00
    assert calendar().add_business_time(berlin("2026-02-14 12:00"), -hours(1)) == berlin("2026-02-13 16:00")


def test_business_time_is_negative_when_the_end_comes_first() -> None:
    # given Monday 11:00 and the Friday 15:00 before it / when measured backwards / then it is -4h
    assert calendar().business_time_between(berlin("2026-02-16 11:00"), berlin("2026-02-13 15:00")) == -hours(4)


# --- holidays --------------------------------------------------------------------------------------------------


def test_a_holiday_is_closed_all_day() -> None:
    # given Monday 2026-02-16 off / when 4 business hours are added from Friday 15:00 / then it is Tuesday 11:00
    office = calendar(holidays=[{"date": "2026-02-16", "name": "Team day"}])
    assert office.add_business_time(berlin("2026-02-13 15:00"), hours(4)) == berlin("2026-02-17 11:00")
    assert not office.is_open(berlin("2026-02-16 10:00"))


def test_a_partial_holiday_replaces_that_days_hours() -> None:
    # given Christmas Eve 09:00-12:00 and Christmas Day off
    office = calendar(
        holidays=[{"date": "2026-12-24", "name": "Christmas Eve", "hours": ["09:00-12:00"]}, {"date": "2026-12-25"}]
    )
    # when measuring Christmas Eve and adding 2 hours from its 11:00
    eve = office.business_time_between(berlin("2026-12-24 00:00"), berlin("2026-12-25 00:00"))
    due = office.add_business_time(berlin("2026-12-24 11:00"), hours(2))
    # then the eve holds 3 hours and the remaining hour falls on Monday the 28th
    assert eve == hours(3)
    assert not office.is_open(berlin("2026-12-24 13:00"))
    assert due == berlin("2026-12-28 10:00")


def test_a_holiday_with_hours_can_open_a_weekend_day() -> None:
    # given a Saturday opened 10:00-14:00 for a launch / when measuring that Saturday / then it holds 4 hours
    office = calendar(holidays=[{"date": "2026-02-14", "hours": ["10:00-14:00"]}])
    assert office.business_time_between(berlin("2026-02-14 00:00"), berlin("2026-02-15 00:00")) == hours(4)


# --- DST -------------------------------------------------------------------------------------------------------

# (zone, Friday before, Monday after, offset on Friday, offset on Monday)
DST_WEEKENDS = [
    (BERLIN, "2026-03-27", "2026-03-30", hours(1), hours(2)),
    (BERLIN, "2026-10-23", "2026-10-26", hours(2), hours(1)),
    (NEW_YORK, "2026-03-06", "2026-03-09", hours(-5), hours(-4)),
    (NEW_YORK, "2026-10-30", "2026-11-02", hours(-4), hours(-5)),
]


@pytest.mark.parametrize(("zone", "friday", "monday", "friday_offset", "monday_offset"), DST_WEEKENDS)
def test_adding_across_a_dst_weekend_keeps_wall_clock_hours(
    zone: ZoneInfo, friday: str, monday: str, friday_offset: timedelta, monday_offset: timedelta
) -> None:
    # given 09:00-17:00 in the zone and a Friday 15:00 start before the clocks change
    start = local(zone, f"{friday} 15:00")
    # when 4 business hours are added
    due = calendar(zone).add_business_time(start, hours(4))
    # then it is Monday 11:00 on the wall clock, and the UTC offset has changed in between
    assert due == local(zone, f"{monday} 11:00")
    assert due.tzinfo is UTC
    assert start.utcoffset() == friday_offset
    assert due.astimezone(zone).utcoffset() == monday_offset


@pytest.mark.parametrize(("zone", "friday", "monday", "friday_offset", "monday_offset"), DST_WEEKENDS)
def test_business_time_across_a_dst_weekend_keeps_wall_clock_hours(
    zone: ZoneInfo, friday: str, monday: str, friday_offset: timedelta, monday_offset: timedelta
) -> None:
    # given Friday 15:00 and Monday 11:00 either side of a clock change / when measured / then 4h, not 3h or 5h
    office = calendar(zone)
    assert office.business_time_between(local(zone, f"{friday} 15:00"), local(zone, f"{monday} 11:00")) == hours(4)
    assert office.add_business_time(local(zone, f"{monday} 11:00"), -hours(4)) == local(zone, f"{friday} 15:00")


# (zone, date, hours in a 00:00-24:00 day)
DST_DAYS = [
    (BERLIN, "2026-03-29", 23),
    (BERLIN, "2026-10-25", 25),
    (NEW_YORK, "2026-03-08", 23),
    (NEW_YORK, "2026-11-01", 25),
]


@pytest.mark.parametrize(("zone", "day", "length"), DST_DAYS)
def test_a_whole_day_lasts_as_long_as_the_clocks_say(zone: ZoneInfo, day: str, length: int) -> None:
    # given a calendar open 00:00-24:00 every day, with a holiday so the always-open shortcut is not taken
    always = calendar(zone, every_day(ALL_DAY), holidays=[{"date": "2020-01-01"}])
    midnight = local(zone, f"{day} 00:00")
    # when the day of a clock change is measured, and 24 business hours are added from its midnight
    length_of_day = always.business_time_between(midnight, midnight + timedelta(days=1))
    due = always.add_business_time(midnight, hours(24))
    # then it has 23 or 25 hours, and 24 business hours are 24 real hours
    assert length_of_day == hours(length)
    assert due - midnight == hours(24)


@pytest.mark.parametrize(("zone", "day", "length"), DST_DAYS)
def test_office_hours_on_a_dst_day_still_last_eight_hours(zone: ZoneInfo, day: str, length: int) -> None:
    # given 09:00-17:00 every day / when the day of a clock change is measured / then it still holds 8 hours
    office = calendar(zone, every_day("09:00-17:00"))
    midnight = local(zone, f"{day} 00:00")
    assert office.business_time_between(midnight, midnight + timedelta(days=1)) == hours(8)
    assert office.add_business_time(midnight, hours(8)) == local(zone, f"{day} 17:00")


def test_a_range_starting_in_the_spring_gap_opens_when_the_clocks_jump() -> None:
    # given 02:30-04:00 every day in Berlin (02:00-03:00 does not exist on 2026-03-29)
    early = calendar(BERLIN, every_day("02:30-04:00"))
    # when the day of the jump is listed
    intervals = list(early.open_intervals(berlin("2026-03-29 00:00"), berlin("2026-03-30 00:00")))
    # then it opens at the jump (03:00 CEST = 01:00 UTC) and holds one hour
    assert intervals == [(datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC))]


def test_a_range_wholly_inside_the_spring_gap_is_closed_that_day() -> None:
    # given 02:00-02:45 every day in Berlin / when the day of the jump is measured / then there is nothing to count
    skipped = calendar(BERLIN, every_day("02:00-02:45"))
    assert skipped.business_time_between(berlin("2026-03-29 00:00"), berlin("2026-03-30 00:00")) == timedelta()


def test_a_range_in_the_autumn_fold_starts_at_the_first_pass_and_ends_at_the_second() -> None:
    # given 02:00-02:30 every day in Berlin (02:00-03:00 happens twice on 2026-10-25)
    folded = calendar(BERLIN, every_day("02:00-02:30"))
    # when the day of the fold is listed
    intervals = list(folded.open_intervals(berlin("2026-10-25 00:00"), berlin("2026-10-26 00:00")))
    # then it runs from the first 02:00 (CEST) to the second 02:30 (CET): 90 minutes
    assert intervals == [(datetime(2026, 10, 25, 0, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC))]


def test_a_quarter_of_business_hours_spanning_spring_forward_counts_wall_clock_weeks() -> None:
    # given 13 weeks of 09:00-17:00 weekdays in Berlin across the March clock change
    start, end = berlin("2026-01-05 00:00"), berlin("2026-04-06 00:00")
    # when the span is measured and the amount added back / then 13 x 5 x 8 hours, and back to Friday 17:00
    office = calendar()
    assert office.business_time_between(start, end) == hours(13 * 5 * 8)
    assert office.add_business_time(start, hours(13 * 5 * 8)) == berlin("2026-04-03 17:00")


@pytest.mark.parametrize("start", ["2026-03-26 10:15", "2026-03-28 03:00", "2026-10-24 23:59", "2026-10-25 02:30"])
@pytest.mark.parametrize("amount", [hours(0.5), hours(7), hours(8), hours(23), hours(100), -hours(3), -hours(50)])
def test_adding_then_measuring_gives_back_the_amount(start: str, amount: timedelta) -> None:
    # given an office with a lunch break and a start near a clock change
    office = calendar(hours={day: ["08:00-12:00", "13:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")})
    begin = berlin(start)
    # when an amount is added / then measuring from the start to the answer gives that amount back
    assert office.business_time_between(begin, office.add_business_time(begin, amount)) == amount


# --- open_intervals --------------------------------------------------------------------------------------------


def test_open_intervals_are_clipped_to_the_span_and_skip_the_weekend() -> None:
    # given Friday 15:00 to Monday 11:00 / when listed / then Friday's tail and Monday's head, in UTC
    intervals = list(calendar().open_intervals(berlin("2026-02-13 15:00"), berlin("2026-02-16 11:00")))
    assert intervals == [
        (datetime(2026, 2, 13, 14, tzinfo=UTC), datetime(2026, 2, 13, 16, tzinfo=UTC)),
        (datetime(2026, 2, 16, 8, tzinfo=UTC), datetime(2026, 2, 16, 10, tzinfo=UTC)),
    ]


def test_open_intervals_of_an_empty_span_are_none() -> None:
    # given an end before the start / when listed / then nothing
    assert list(calendar().open_intervals(berlin("2026-02-16 11:00"), berlin("2026-02-13 15:00"))) == []


# --- 24x7 ------------------------------------------------------------------------------------------------------


def test_the_24x7_calendar_is_plain_elapsed_time() -> None:
    # given two instants months apart in different zones
    start, end = berlin("2026-01-31 23:00"), local(NEW_YORK, "2026-06-01 08:00")
    # when the 24x7 calendar measures, adds and lists / then it is plain arithmetic, answered in UTC
    assert CALENDAR_24x7.business_time_between(start, end) == end - start
    assert CALENDAR_24x7.add_business_time(start, hours(-5)) == start - hours(5)
    assert CALENDAR_24x7.add_business_time(start, hours(5)).tzinfo is UTC
    assert list(CALENDAR_24x7.open_intervals(start, end)) == [(start, end)]
    assert CALENDAR_24x7.is_open(end)


def test_a_zone_calendar_open_all_day_every_day_is_plain_elapsed_time_too() -> None:
    # given 00:00-24:00 every day in New York / when a span over the spring change is measured / then real time
    always = calendar(NEW_YORK, every_day(ALL_DAY))
    start, end = local(NEW_YORK, "2026-03-07 12:00"), local(NEW_YORK, "2026-03-09 12:00")
    assert always.business_time_between(start, end) == hours(47)


# --- value semantics ---------------------------------------------------------------------------------------------


def test_calendars_from_the_same_spec_are_equal_and_hashable() -> None:
    # given two builds of one spec / when compared and hashed / then they are the same value
    assert calendar() == calendar()
    assert hash(calendar()) == hash(calendar())


def test_touching_ranges_are_joined() -> None:
    # given 09:00-12:00 and 12:00-17:00 / when built / then one range 09:00-17:00
    assert calendar(hours={"mon": ["12:00-17:00", "09:00-12:00"]}).weekly[0] == ((540, 1020),)


# --- validation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "location", "message"),
    [
        ({"timezone": "Europe/Berln"}, "timezone", "unknown timezone 'Europe/Berln': expected an IANA name"),
        ({"hours": {"mon": ["9-17"]}}, "hours.mon", "invalid range '9-17': expected HH:MM-HH:MM like 09:00-17:00"),
        ({"hours": {"mon": ["17:00-09:00"]}}, "hours.mon", "invalid range '17:00-09:00': the start must come before"),
        ({"hours": {"mon": ["09:00-24:30"]}}, "hours.mon", "24:30 is not a time of day"),
        ({"hours": {"mon": ["09:60-17:00"]}}, "hours.mon", "09:60 is not a time of day"),
        ({"hours": {"tue": ["09:00-12:00", "11:30-17:00"]}}, "hours.tue", "'09:00-12:00' and '11:30-17:00' overlap"),
        ({"hours": {"monday": ["09:00-17:00"]}}, "hours.monday.[key]", "'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or"),
        ({"hours": {"sat": []}}, "hours", "no business hours on any weekday"),
        ({"holidays": [{"date": "2026-12-24"}, {"date": "2026-12-24"}]}, "holidays", "2026-12-24 is listed twice"),
        ({"holidays": [{"date": "2026-12-24", "hours": ["12-9"]}]}, "holidays.0.hours", "invalid range '12-9'"),
        ({"holidays": [{"date": "24.12.2026"}]}, "holidays.0.date", "valid date"),
        ({"weekends": True}, "weekends", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_calendar_spec_is_refused_at_the_offending_field(
    spec: dict[str, Any], location: str, message: str
) -> None:
    # given a spec with one mistake / when it is validated / then the error points at the field and says what is wrong
    with pytest.raises(ValidationError) as raised:
        CalendarSpec.model_validate({"timezone": "Europe/Berlin", "hours": OFFICE_HOURS} | spec)
    [error] = raised.value.errors()
    assert ".".join(str(part) for part in error["loc"]) == location
    assert message in error["msg"]


@pytest.mark.parametrize(
    "call",
    [
        lambda office, naive: office.is_open(naive),
        lambda office, naive: office.business_time_between(naive, berlin("2026-02-13 15:00")),
        lambda office, naive: office.business_time_between(berlin("2026-02-13 15:00"), naive),
        lambda office, naive: office.add_business_time(naive, hours(1)),
        lambda office, naive: office.open_intervals(naive, berlin("2026-02-16 11:00")),
    ],
)
def test_naive_datetimes_are_refused(call: Any) -> None:
    # given a datetime without a zone / when any method is called with it / then a ValueError says so at once
    with pytest.raises(ValueError, match="naive datetime 2026-02-13T15:00:00: calendars need timezone-aware"):
        call(calendar(), datetime(2026, 2, 13, 15, 0))
