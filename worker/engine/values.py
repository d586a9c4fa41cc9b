"""How ticket values compare, with the Desk's habits in mind.

The Desk serialises ids and counts as strings ("121"), booleans sometimes as strings ("false") and timestamps as
ISO-8601 UTC with milliseconds ("2016-06-21T13:16:14.000Z"). Rule authors write YAML numbers and booleans. So:

- `loose_equal` treats a numeric string and a number as equal when their numbers are ("121" == 121), and
  "true"/"false" strings as the booleans; strings otherwise compare exactly (or case-folded with ignore_case).
- `to_number` / `parse_time` coerce for ordering operators; an uncoercible value makes the condition false.
- `is_blank` is the one notion of "empty": missing, null, "", whitespace only, [] and {}.
- `is_closed` is the one notion of a closed ticket.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

UTC = timezone.utc
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NOW = re.compile(r"now\s*(?:([+-])\s*(\S+))?")
_BOOL_TEXT = {"true": True, "false": False}


def is_blank(value: Any) -> bool:
    """Missing, null, an empty or whitespace-only string, or an empty list/mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return not value
    return False


def to_number(value: Any) -> float | None:
    """A number from a number or a numeric string; None for anything else (booleans included)."""
    kind = type(value)
    if kind is str:
        return _number_text(value)
    if kind is bool:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


@lru_cache(maxsize=4096)
def _number_text(text: str) -> float | None:
    return float(text) if _NUMBER.fullmatch(text.strip()) else None


@lru_cache(maxsize=8192)
def _parse_time_text(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime from a datetime or an ISO-8601 string ("...Z" included); naive means UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4] == "-":
        return _parse_time_text(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def desk_time(moment: datetime) -> str:
    """The Desk's timestamp format: "2016-06-21T13:16:14.000Z" (UTC, milliseconds)."""
    moment = parse_time(moment) or moment
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def fold(value: Any, ignore_case: bool) -> Any:
    """Case-fold strings when ignore_case is set; everything else unchanged."""
    return value.casefold() if ignore_case and isinstance(value, str) else value


def loose_equal(actual: Any, expected: Any, ignore_case: bool = False) -> bool:
    """Equality as a rule author means it (see the module docstring)."""
    if type(actual) is type(expected) and not ignore_case:
        return bool(actual == expected)
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected.casefold() if ignore_case else actual == expected
    if isinstance(expected, bool) or isinstance(actual, bool):
        return _as_bool(actual) is not None and _as_bool(actual) == _as_bool(expected)
    if isinstance(actual, (int, float)) or isinstance(expected, (int, float)):
        left_int, right_int = _as_int(actual), _as_int(expected)
        if left_int is not None and right_int is not None:  # ids: exact beyond float precision
            return left_int == right_int
        left, right = to_number(actual), to_number(expected)
        return left is not None and left == right
    return bool(actual == expected)


def _as_int(value: Any) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _BOOL_TEXT.get(value.strip().lower())
    return None


def same_value(old: Any, new: Any) -> bool:
    """Whether a field kept its value: blanks are all alike (null -> "" is no change), else loose equality."""
    old_blank, new_blank = is_blank(old), is_blank(new)
    if old_blank or new_blank:
        return old_blank and new_blank
    return loose_equal(old, new)


def parse_bound(value: Any, parse_duration: Any) -> tuple[str, Any]:
    """The right-hand side of gt/gte/lt/lte: ("number", float), ("time", datetime), ("now", timedelta offset) or
    ("duration", timedelta), which compares with a field holding a duration (the SLA state's remaining time).

    Raises ValueError saying what is expected.
    """
    number = to_number(value)
    if number is not None:
        return "number", number
    moment = parse_time(value)
    if moment is not None:
        return "time", moment
    if isinstance(value, str):
        match = _NOW.fullmatch(value.strip())
        if match:
            sign, amount = match.groups()
            offset = parse_duration(amount) if amount else timedelta()
            return "now", -offset if sign == "-" else offset
        try:  # a duration compares with a duration field (sla.first_response.remaining lt 30m)
            return "duration", parse_duration(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"expected a number, an ISO time or now[+/-duration] like 'now - 4h', or a duration like 30m, got {value!r}"
    )


def type_name(value: Any) -> str:
    """How a YAML value's type reads in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (date, datetime)):
        return "a date"
    return type(value).__name__


def is_closed(ticket: Mapping[str, Any]) -> bool:
    """Closed as the Desk says it: statusType where the answer has it; search results lack it (as the seed's
    search example shows), and there a set closedTime or the Closed status tells."""
    if ticket.get("statusType") is not None:
        return bool(ticket["statusType"] == "Closed")
    return bool(ticket.get("closedTime")) or ticket.get("status") == "Closed"
