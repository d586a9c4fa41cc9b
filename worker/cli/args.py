"""Argument types shared by the `deskpilot` sub-commands: a bad value is refused by argparse in one line, exit 2."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta

from worker.engine.durations import format_duration, parse_duration

EXAMPLES = "30m, 4h, 7d"


def duration(longest: timedelta) -> Callable[[str], timedelta]:
    """A non-negative duration in the rule syntax, at most `longest` (dates before year 1 cannot be computed)."""

    def parse(text: str) -> timedelta:
        too_long = argparse.ArgumentTypeError(f"{text!r} is longer than {format_duration(longest)}")
        try:
            value = parse_duration(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a duration like {EXAMPLES}") from None
        except OverflowError:  # more days than a timedelta holds
            raise too_long from None
        if value < timedelta():
            raise argparse.ArgumentTypeError(f"{text!r} is negative; give a duration like {EXAMPLES}")
        if value > longest:
            raise too_long
        return value

    return parse
