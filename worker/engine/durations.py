"""Durations as ops write them in rules: "30m", "4h", "2d", "1w", "1h30m", "90s", "0", signed "-30m" / "+2h".

Units run largest first, each at most once, whole numbers only; a sign is allowed for SLA offsets.
"""

from __future__ import annotations

import re
from datetime import timedelta

EXPECTED = "expected a duration like 30m, 4h, 2d or 1h30m"
ZERO_TEXT = "0m"

# A bare "0", or at least one "<digits><unit>" (the lookahead refuses the empty string and a lone sign).
_PATTERN = re.compile(r"([+-]?)(?:0|(?=\d)(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)")
_PARSE_UNITS = (timedelta(weeks=1), timedelta(days=1), timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1))
# Formatting stops at days: "10d" reads better than "1w3d" in an explanation, and both parse back alike.
_FORMAT_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


def parse_duration(text: str) -> timedelta:
    """Parse a rule duration; the error says what is expected because ops read it next to their YAML."""
    match = _PATTERN.fullmatch(text) if isinstance(text, str) else None  # YAML may hand over a bare 30
    if match is None:
        raise ValueError(f"invalid duration {text!r}: {EXPECTED}")
    sign, *counts = match.groups()
    total = sum((int(count) * unit for count, unit in zip(counts, _PARSE_UNITS, strict=True) if count), timedelta())
    return -total if sign == "-" else total


def split_days(text: str) -> tuple[int, int, timedelta]:
    """(weeks, days, the rest in h/m/s) of a valid duration as written, unsigned: with a calendar, weeks and days
    count working days (calendars.py), so they cannot be folded into hours."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid duration {text!r}: {EXPECTED}")
    weeks, days, *rest = (int(count) if count else 0 for count in match.groups()[1:])
    return weeks, days, sum((count * unit for count, unit in zip(rest, _PARSE_UNITS[2:], strict=True)), timedelta())


def format_duration(delta: timedelta) -> str:
    """Render a duration in the rule syntax, largest units first, zero units left out ("1h30m", "-30m", "0m").

    Sub-second parts are dropped (toward zero): rules count whole seconds at most.
    """
    seconds = abs(delta) // timedelta(seconds=1)
    if seconds == 0:
        return ZERO_TEXT
    parts = []
    for suffix, size in _FORMAT_UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{suffix}")
    return ("-" if delta < timedelta() else "") + "".join(parts)
