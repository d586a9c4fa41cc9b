"""Business calendars: when a team is open, and how much open time lies between two instants.

Ops define calendars in YAML (`CalendarSpec`); `Calendar.from_spec` turns one into something the engine can ask
"is it open now?", "how many business minutes since the customer replied?" and "when are 4 business hours up?".

Business hours are wall-clock hours in the calendar's zone, so DST is honoured: on a spring-forward day a
00:00-24:00 day has 23 hours and a 09:00-17:00 day still has 8; on a fall-back day 00:00-24:00 has 25. Wall times
that do not map to exactly one instant are resolved deterministically:

- in a gap (skipped by spring-forward) a range boundary moves to the first valid instant after it, the
  transition itself, so a range lying wholly inside the gap is empty;
- in a fold (repeated by fall-back) a range start takes the earlier instance and a range end the later one, so
  the range keeps every hour it names;
- each date's intervals are clipped to that date (its midnight to the next, both read as starts), so dates
  never overlap and a walk over dates never counts an instant twice.

Everything is computed per date and cached, so spans of months cost one step per day, not per minute.

Business days (`d` and `w` in a duration used with a calendar; hours and minutes stay business time): N business
days from a moment end at the same local time N working days later, working days being the dates with hours
(weekends and full holidays are skipped; a partial holiday is a working day). A moment on a closed date, or after
its date's last closing, counts from the next opening. The span is the business time between the two points, so
a target in a closed stretch (Friday 20:00 -> Monday 20:00) is reached at the last closing before it, and a
partial day counts as a whole one: 1d from Dec 23 15:00 with Dec 24 open 09:00-12:00 is reached Dec 24 12:00.
`1w` is `days_per_week` business days (5 for Monday to Friday).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from itertools import pairwise
from typing import Annotated, Literal, NamedTuple, TypeVar, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
UTC = timezone.utc
ALL_DAY = "00:00-24:00"
MINUTES_PER_DAY = 24 * 60
ONE_DAY = timedelta(days=1)
DAY_CACHE_SIZE = 4096  # dates cached per calendar: about eleven years of sweeps, a few hundred KB

_RANGE = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")
_EXPECTED_RANGE = "expected HH:MM-HH:MM like 09:00-17:00"
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)

Minutes = tuple[int, int]  # a wall-clock range in minutes after local midnight, end exclusive (at most 1440)
Interval = tuple[datetime, datetime]  # aware UTC, end exclusive
_Point = TypeVar("_Point", int, datetime)


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a ValueError that names it (zoneinfo's own error is a bare KeyError)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}: expected an IANA name like Europe/Berlin") from None


def parse_ranges(values: Sequence[str]) -> tuple[Minutes, ...]:
    """One day's ranges as sorted minute pairs, refusing overlaps; touching ranges are merged."""
    parsed = sorted((_parse_range(text), text) for text in values)
    for (previous, previous_text), (current, current_text) in pairwise(parsed):
        if current[0] < previous[1]:
            raise ValueError(f"ranges {previous_text!r} and {current_text!r} overlap")
    return tuple(_merged([minutes for minutes, _ in parsed]))


def _parse_range(text: str) -> Minutes:
    match = _RANGE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"invalid range {text!r}: {_EXPECTED_RANGE}")
    start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
    start, end = _minute_of_day(start_hour, start_minute, text), _minute_of_day(end_hour, end_minute, text)
    if start >= end:
        raise ValueError(f"invalid range {text!r}: the start must come before the end")
    return start, end


def _minute_of_day(hour: int, minute: int, text: str) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ValueError(f"invalid range {text!r}: {hour:02d}:{minute:02d} is not a time of day (00:00 to 24:00)")
    return hour * 60 + minute


def _merged(pairs: Sequence[tuple[_Point, _Point]]) -> list[tuple[_Point, _Point]]:
    """Sorted pairs with overlapping or touching neighbours joined."""
    result: list[tuple[_Point, _Point]] = []
    for start, end in pairs:
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _check_ranges(values: list[str]) -> list[str]:
    parse_ranges(values)
    return values


# One day's ranges as ops write them; checked where they are written, so errors point at e.g. hours.mon.
DayHours = Annotated[list[str], AfterValidator(_check_ranges)]


class HolidaySpec(BaseModel):
    """A date off; with `hours` it is a partial day whose hours replace the weekly ones (Dec 24, 09:00-12:00)."""

    model_config = ConfigDict(extra="forbid")

    date: date
    name: str = ""
    hours: DayHours | None = None


class CalendarSpec(BaseModel):
    """A calendar as ops write it in YAML; a weekday that is not listed is closed."""

    model_config = ConfigDict(extra="forbid")

    timezone: str
    hours: dict[Weekday, DayHours]
    holidays: list[HolidaySpec] = []

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        load_zone(value)
        return value

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: dict[Weekday, list[str]]) -> dict[Weekday, list[str]]:
        if not any(value.values()):
            raise ValueError("no business hours on any weekday: give at least one range, e.g. mon: [09:00-17:00]")
        return value

    @field_validator("holidays")
    @classmethod
    def _check_holidays(cls, value: list[HolidaySpec]) -> list[HolidaySpec]:
        seen: set[date] = set()
        for holiday in value:
            if holiday.date in seen:
                raise ValueError(f"holiday {holiday.date.isoformat()} is listed twice")
            seen.add(holiday.date)
        return value


class _Day(NamedTuple):
    """The business intervals of one local date, with their total so whole days are skipped in one step."""

    intervals: tuple[Interval, ...]
    total: timedelta

    @classmethod
    def of(cls, intervals: Sequence[Interval]) -> _Day:
        return cls(tuple(intervals), sum((end - start for start, end in intervals), timedelta()))

    def overlap(self, low: datetime, high: datetime) -> timedelta:
        """What `clipped(low, high).total` would be, without building it: this is the hot path of every sweep."""
        total = timedelta()
        for start, end in self.intervals:
            if start < high and end > low:
                total += min(end, high) - max(start, low)
        return total

    def clipped(self, low: datetime, high: datetime) -> _Day:
        kept = [(max(start, low), min(end, high)) for start, end in self.intervals if start < high and end > low]
        return _Day.of(kept)


_CLOSED = _Day((), timedelta())


@dataclass(frozen=True)
class Calendar:
    """Business hours in one zone: weekly ranges (index 0 is Monday) and dated exceptions (holidays).

    Build it with `from_spec`. All methods take aware datetimes (naive ones raise ValueError) and answer in UTC.
    """

    name: str
    zone: ZoneInfo
    weekly: tuple[tuple[Minutes, ...], ...]
    holidays: tuple[tuple[date, tuple[Minutes, ...]], ...] = ()
    always_open: bool = field(init=False, repr=False, compare=False)
    _holiday_hours: dict[date, tuple[Minutes, ...]] = field(init=False, repr=False, compare=False)
    _day: Callable[[int], _Day] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        always = not self.holidays and all(day == ((0, MINUTES_PER_DAY),) for day in self.weekly)
        object.__setattr__(self, "always_open", always)
        object.__setattr__(self, "_holiday_hours", dict(self.holidays))
        object.__setattr__(self, "_day", lru_cache(maxsize=DAY_CACHE_SIZE)(self._build_day))

    @classmethod
    def from_spec(cls, name: str, spec: CalendarSpec) -> Calendar:
        weekly = tuple(parse_ranges(spec.hours.get(day, [])) for day in WEEKDAYS)
        holidays = tuple(sorted((holiday.date, parse_ranges(holiday.hours or [])) for holiday in spec.holidays))
        return cls(name, load_zone(spec.timezone), weekly, holidays)

    def is_open(self, at: datetime) -> bool:
        moment = _as_utc(at)
        if self.always_open:
            return True
        return any(start <= moment < end for start, end in self._day(self._ordinal(moment)).intervals)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); negative when end comes before start."""
        start, end = _as_utc(start), _as_utc(end)
        if end < start:
            return -self.business_time_between(end, start)
        if self.always_open:
            return end - start
        first, last = self._ordinal(start), self._ordinal(end)
        inner = sum((self._day(ordinal).total for ordinal in range(first + 1, last)), timedelta())
        return inner + sum((self._day(ordinal).overlap(start, end) for ordinal in {first, last}), timedelta())

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which `amount` of business time has passed since `start` (before it, if negative).

        The answer is the first instant that reaches the amount: 2h from Friday 15:00 with 9-17 hours is Friday
        17:00, not Monday 09:00 (and -2h from Monday 11:00 is Monday 09:00). A zero amount returns `start`.
        """
        moment = _as_utc(start)
        if self.always_open or not amount:
            return moment + amount
        if amount > timedelta():
            return self._advance(moment, amount)
        return self._rewind(moment, -amount)

    @property
    def days_per_week(self) -> int:
        """Weekdays with business hours: what `1w` counts as business days (5 for Monday to Friday)."""
        return sum(1 for day in self.weekly if day)

    def business_days_span(self, start: datetime, days: int) -> timedelta:
        """The business time of `days` working days from `start` (see the module docstring, "Business days")."""
        moment = _as_utc(start)
        if days <= 0:
            return timedelta()
        ordinal = self._ordinal(moment)
        day = self._day(ordinal)
        wall: time | None = moment.astimezone(self.zone).time()
        if not day.intervals or moment >= day.intervals[-1][1]:  # closed date or after its close: next opening
            ordinal, wall = self._next_working(ordinal), None
        for _ in range(days):
            ordinal = self._next_working(ordinal)
        day = self._day(ordinal)
        if wall is None:
            target = day.intervals[0][0]
        else:
            local_day = date.fromordinal(ordinal)
            target = datetime.combine(local_day, wall, tzinfo=self.zone).astimezone(UTC)
        return self.business_time_between(moment, target)

    def _next_working(self, ordinal: int) -> int:
        """The next date after `ordinal` with business hours (a spec opens on at least one weekday, and holidays
        are finite, so the walk ends)."""
        ordinal += 1
        while not self._day(ordinal).intervals:
            ordinal += 1
        return ordinal

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """The business intervals within [start, end), clipped to it, in order; touching intervals are joined."""
        start, end = _as_utc(start), _as_utc(end)
        if self.always_open:
            return iter([(start, end)] if start < end else [])
        return self._intervals(start, end)

    def _intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        pending: Interval | None = None
        for ordinal in range(self._ordinal(start), self._ordinal(end) + 1):
            for interval in self._day(ordinal).clipped(start, end).intervals:
                if pending and pending[1] == interval[0]:
                    pending = (pending[0], interval[1])
                    continue
                if pending:
                    yield pending
                pending = interval
        if pending:
            yield pending

    def _advance(self, moment: datetime, amount: timedelta) -> datetime:
        """Skip whole days by their cached totals, then walk the day that holds the answer.

        The walk ends because a spec must open on at least one weekday.
        """
        ordinal = self._ordinal(moment)
        day = self._day(ordinal).clipped(moment, _LATEST)
        while amount > day.total:
            amount -= day.total
            ordinal += 1
            day = self._day(ordinal)
        for start, end in day.intervals:  # not empty: 0 < amount <= day.total
            if amount <= end - start:
                break
            amount -= end - start
        return start + amount

    def _rewind(self, moment: datetime, amount: timedelta) -> datetime:
        """`_advance` mirrored: whole days back by their totals, then back through the day that holds the answer."""
        ordinal = self._ordinal(moment)
        day = self._day(ordinal).clipped(_EARLIEST, moment)
        while amount > day.total:
            amount -= day.total
            ordinal -= 1
            day = self._day(ordinal)
        for start, end in reversed(day.intervals):  # not empty: 0 < amount <= day.total
            if amount <= end - start:
                break
            amount -= end - start
        return end - amount

    def _ordinal(self, moment: datetime) -> int:
        return moment.astimezone(self.zone).toordinal()

    def _build_day(self, ordinal: int) -> _Day:
        """The UTC intervals of one local date, clipped to the date (see the module docstring)."""
        day = date.fromordinal(ordinal)
        ranges = self._holiday_hours.get(day, self.weekly[day.weekday()])
        if not ranges:
            return _CLOSED
        low = _wall_to_utc(self.zone, day, 0, is_end=False)
        high = _wall_to_utc(self.zone, day, MINUTES_PER_DAY, is_end=False)
        intervals = [
            (_wall_to_utc(self.zone, day, start, is_end=False), _wall_to_utc(self.zone, day, end, is_end=True))
            for start, end in ranges
        ]
        return _Day.of(_merged(sorted((start, end) for start, end in intervals if start < end))).clipped(low, high)


def _wall_to_utc(zone: ZoneInfo, day: date, minute: int, *, is_end: bool) -> datetime:
    """The instant of a wall time; gap -> the transition, fold -> earlier for a start, later for an end."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + ONE_DAY, 0
    hour, minute = divmod(minute, 60)
    early = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    late = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone, fold=1)
    before, after = early.utcoffset(), late.utcoffset()
    assert before is not None and after is not None  # aware datetimes: a ZoneInfo always has an offset
    if before == after:
        return early.astimezone(UTC)
    if before < after:  # PEP 495: in a gap fold=0 reads the wall time with the offset from before the jump
        return _transition_in_gap(early, after)
    return (late if is_end else early).astimezone(UTC)


def _transition_in_gap(wall: datetime, after: timedelta) -> datetime:
    """The first instant after a skipped wall time: bisect the seconds between its two readings."""
    low, high = int(wall.replace(fold=1).timestamp()), int(wall.replace(fold=0).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, wall.tzinfo).utcoffset() == after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()}: calendars need timezone-aware datetimes")
    return at.astimezone(UTC)


CALENDAR_24x7 = Calendar.from_spec("24x7", CalendarSpec(timezone="UTC", hours={day: [ALL_DAY] for day in WEEKDAYS}))
