"""Where a poll's search window starts: at what the search index has shown, not at our clock (pure).

The search index lags writes. A window that starts at "our last poll minus the overlap" loses every change the
index shows later than the overlap. So each org keeps two marks: the cursor (when the last complete poll ran) and
`shown`, the newest modifiedTime the search has shown. The window starts at the older of the two, less the
overlap, so a change the index shows late is still inside it; it is bounded by `max_lag` behind the cursor, so on
an idle desk the window does not grow without end (a change shown later than that is lost; see README).

Lateness is measured, not guessed: a change first seen now whose modifiedTime is before the previous poll's
cursor was missing from that poll's search, so the index lagged by at least the difference.

The `shown` mark alone assumes the index shows changes in the order they were made. It need not: when a lag
shrinks, a change made now shows at once while one made a little earlier is still hidden, and `shown` jumps past
it. So the window also reaches back twice the lateness recently observed (`recent_lag`, remembered for an hour),
which covers the changes still hidden when the lag ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DEFAULT_OVERLAP = timedelta(seconds=30)
# How late the index may show a change and still be caught. Each poll re-reads at most this much history, and on a
# busy desk far less (`shown` is then close to now); the re-read tickets are skipped against the mirror.
DEFAULT_MAX_INDEX_LAG = timedelta(minutes=15)
LAG_MARGIN = 2  # an observed lateness is a lower bound of the lag: reach back twice as far
LAG_MEMORY = timedelta(hours=1)  # how long an observed lateness keeps widening the window


def window_start(
    cursor: datetime,
    shown: datetime | None,
    overlap: timedelta,
    max_lag: timedelta,
    recent_lag: timedelta = timedelta(),
) -> datetime:
    """Start of the next window: `cursor` is the last complete poll's time, `shown` the newest modifiedTime seen,
    `recent_lag` the largest lateness observed lately."""
    anchor = cursor if shown is None else min(shown, cursor)
    anchor = max(min(anchor, cursor - LAG_MARGIN * recent_lag), cursor - max_lag)
    return anchor - overlap


def index_lag(previous_cursor: datetime, modified: datetime) -> timedelta:
    """How late the index showed a change first seen now (zero when the previous poll could not have seen it)."""
    return max(previous_cursor - modified, timedelta())
