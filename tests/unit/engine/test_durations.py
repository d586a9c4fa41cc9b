"""Durations as ops write them in rules: parsing, formatting, and the round trip between the two."""

from __future__ import annotations

from datetime import timedelta

import pytest

from worker.engine.durations import EXPECTED, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", timedelta()),
        ("0m", timedelta()),
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("4h", timedelta(hours=4)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1w2d3h4m5s", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        ("-30m", timedelta(minutes=-30)),
        ("+2h", timedelta(hours=2)),
        ("-1d12h", -timedelta(days=1, hours=12)),
    ],
)
def test_parse_duration_reads_every_unit_and_sign(text: str, expected: timedelta) -> None:
    # given a duration written in a rule / when it is parsed / then it is that timedelta
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "-", "5", "m", "30m1h", "1h 30m", " 4h", "1.5h", "4H", "4hh", "--0", "00", "1x"])
def test_parse_duration_refuses_what_is_not_a_duration_and_says_what_is_expected(text: str) -> None:
    # given text that is not a duration / when it is parsed / then the error quotes it and shows the syntax
    with pytest.raises(ValueError, match="expected a duration like 30m, 4h, 2d or 1h30m") as raised:
        parse_duration(text)
    assert repr(text) in str(raised.value)


def test_parse_duration_refuses_a_bare_number_from_yaml() -> None:
    # given YAML that gave a number instead of a string / when it is parsed / then it is a ValueError, not a TypeError
    with pytest.raises(ValueError, match=EXPECTED):
        parse_duration(30)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(), "0m"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(minutes=-30), "-30m"),
        (timedelta(seconds=90), "1m30s"),
        (timedelta(hours=4), "4h"),
        (timedelta(weeks=1), "7d"),
        (timedelta(days=10, seconds=1), "10d1s"),
        (-timedelta(days=1, hours=12), "-1d12h"),
        (timedelta(minutes=5, microseconds=999_999), "5m"),
        (timedelta(microseconds=-1), "0m"),
    ],
)
def test_format_duration_writes_the_largest_units_and_leaves_out_zeros(delta: timedelta, expected: str) -> None:
    # given a timedelta / when it is formatted / then it is the canonical rule syntax (sub-seconds dropped)
    assert format_duration(delta) == expected


@pytest.mark.parametrize(
    "delta",
    [timedelta(), timedelta(seconds=1), timedelta(minutes=-45), timedelta(days=400, hours=23, minutes=59, seconds=59)],
)
def test_format_then_parse_gives_back_the_same_duration(delta: timedelta) -> None:
    # given a whole-second duration / when formatted and parsed again / then nothing is lost
    assert parse_duration(format_duration(delta)) == delta


@pytest.mark.parametrize("text", ["0m", "1m30s", "1h30m", "-30m", "2d", "1d2h3m4s"])
def test_parse_then_format_of_canonical_text_gives_back_the_text(text: str) -> None:
    # given canonical text / when parsed and formatted / then it reads the same
    assert format_duration(parse_duration(text)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5d", (0, 5, timedelta())),
        ("1w2d3h", (1, 2, timedelta(hours=3))),
        ("4h30m", (0, 0, timedelta(hours=4, minutes=30))),
        ("-1d12h", (0, 1, timedelta(hours=12))),
        ("0", (0, 0, timedelta())),
    ],
)
def test_split_days_keeps_weeks_and_days_apart_from_the_hours(text: str, expected: tuple) -> None:
    # given a duration as written / when split / then weeks and days stay counts (a calendar makes them working days)
    from worker.engine.durations import split_days

    assert split_days(text) == expected
