"""Why a cron expression is wrong, field by field: "minute 61 is out of 0-59" instead of "invalid cron".

croniter decides what is valid (the scheduler runs it); this module only explains a refusal. Each of the five
fields is a comma-separated list of `*`, `N`, `N-M`, each optionally `/STEP`; months and weekdays also take
three-letter names (JAN-DEC, SUN-SAT).
"""

from __future__ import annotations

import re
from typing import NamedTuple

ORDER = "minute hour day-of-month month day-of-week"


class _Field(NamedTuple):
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] stands for low + i

    @property
    def range_text(self) -> str:
        text = f"{self.low}-{self.high}"
        return f"{text} or {self.names[0]}-{self.names[-1]}" if self.names else text


FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    _Field("day of week", 0, 7, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
)
_ITEM = re.compile(r"(?P<range>\*|[^-/]+(?:-[^-/]+)?)(?:/(?P<step>.*))?")


def cron_problem(expression: str) -> str:
    """The first thing wrong with `expression` that a person can fix, in words."""
    fields = expression.split()
    if len(fields) != len(FIELDS):
        return (
            f"invalid cron expression {expression!r}: expected 5 fields ({ORDER}), found {len(fields)}; "
            "like '*/5 * * * *'"
        )
    for field, text in zip(FIELDS, fields, strict=True):
        for item in text.split(","):
            reason = _item_problem(field, item)
            if reason:
                return f"invalid cron expression {expression!r}: {reason}"
    return f"invalid cron expression {expression!r}; expected 5 fields ({ORDER}) like '*/5 * * * *'"


def _item_problem(field: _Field, item: str) -> str | None:
    match = _ITEM.fullmatch(item)
    if match is None:
        return f"{field.name} {item!r} is not a value, a range N-M or a step */N (allowed: {field.range_text})"
    step = match.group("step")
    if step is not None and (not step.isdigit() or int(step) == 0):
        return f"{field.name} step {step!r} must be a whole number of at least 1, as in */5"
    if match.group("range") == "*":
        return None
    bounds = [_value(field, part) for part in match.group("range").split("-")]
    values: list[int] = []
    for part, value in zip(match.group("range").split("-"), bounds, strict=True):
        if value is None:
            return f"{field.name} {part!r} is not a number or name (allowed: {field.range_text})"
        if not field.low <= value <= field.high:
            return f"{field.name} {part} is out of {field.range_text}"
        values.append(value)
    if len(values) == 2 and values[0] > values[1]:
        return f"{field.name} range {match.group('range')} runs backwards; write the smaller value first"
    return None


def _value(field: _Field, part: str) -> int | None:
    if part.isdigit():
        return int(part)
    if part.upper() in field.names:
        return field.low + field.names.index(part.upper())
    return None
