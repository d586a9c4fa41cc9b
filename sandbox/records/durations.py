"""The dashboards' `duration` values as UTC time spans (pure), and the buckets `groupBy=date|hour` counts fall in.

From the vendor's spec (DashboardMetrics.json): LAST_30_DAYS, LAST_7_DAYS, THIS_WEEK, LAST_WEEK, THIS_MONTH,
LAST_MONTH, TODAY, YESTERDAY, LAST24HOURS, LAST_1_HOUR, and the custom spans CUSTOM_IN_DATE (startDate and
endDate as YYYY-MM-DD, both days included) and CUSTOM_IN_MILLIS (epoch milliseconds). Weeks start on Monday and
days are UTC days: the sandbox's orgs carry no timezone or week-start setting.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

DURATIONS = (
    "LAST_30_DAYS",
    "LAST_7_DAYS",
    "THIS_WEEK",
    "LAST_WEEK",
    "THIS_MONTH",
    "LAST_MONTH",
    "CUSTOM_IN_DATE",
    "LAST24HOURS",
    "TODAY",
    "YESTERDAY",
    "CUSTOM_IN_MILLIS",
    "LAST_1_HOUR",
)
CUSTOM = frozenset({"CUSTOM_IN_DATE", "CUSTOM_IN_MILLIS"})
DAY = timedelta(days=1)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def span(duration: str, now: datetime, start: str | None = None, end: str | None = None) -> tuple[datetime, datetime]:
    """[from, to) of a duration; custom ones read `start` and `end` (ValueError when missing or malformed)."""
    today = now.date()
    fixed = {
        "TODAY": (midnight(today), now),
        "YESTERDAY": (midnight(today) - DAY, midnight(today)),
        "LAST24HOURS": (now - DAY, now),
        "LAST_1_HOUR": (now - timedelta(hours=1), now),
        "LAST_7_DAYS": (midnight(today) - 6 * DAY, now),
        "LAST_30_DAYS": (midnight(today) - 29 * DAY, now),
        "THIS_WEEK": (midnight(today) - today.weekday() * DAY, now),
        "LAST_WEEK": (midnight(today) - (today.weekday() + 7) * DAY, midnight(today) - today.weekday() * DAY),
        "THIS_MONTH": (midnight(_month_start(today)), now),
        "LAST_MONTH": (midnight(_month_start(_month_start(today) - DAY)), midnight(_month_start(today))),
    }
    if duration in fixed:
        return fixed[duration]
    if start is None or end is None:
        raise ValueError("a custom duration needs startDate and endDate")
    if duration == "CUSTOM_IN_DATE":
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        return midnight(first), midnight(last) + DAY
    return (
        datetime.fromtimestamp(int(start) / 1000, timezone.utc),
        datetime.fromtimestamp(int(end) / 1000, timezone.utc),
    )


def day_buckets(begin: datetime, end: datetime) -> list[str]:
    """Every UTC day the span touches, as YYYY-MM-DD."""
    days, day = [], begin.date()
    while midnight(day) < end:
        days.append(day.isoformat())
        day += DAY
    return days
