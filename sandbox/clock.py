"""The sandbox's notion of now, and the Desk's timestamp format ("2016-06-21T13:16:14.000Z").

Tests and the demo may shift the clock forward (`advance`) to make hours pass in seconds.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


def format_time(moment: datetime) -> str:
    """Render an aware datetime as the Desk does: UTC, milliseconds, a trailing Z."""
    moment = moment.astimezone(timezone.utc)
    return f"{moment.strftime(ISO_FORMAT)}.{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """Parse a Desk timestamp (or any ISO-8601 with an offset); naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class Clock:
    """Wall-clock time plus an offset that only grows, so time never runs backwards for a client."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def advance(self, amount: timedelta) -> None:
        if amount < timedelta():
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += amount
