"""The named periods list filters take (the vendor's spec): `closedTime=today|last7days|...`, `dueDate=overdue,...`.

Days are UTC days here: the real Desk counts them in the organisation's timezone, which the sandbox's orgs do not
carry.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sandbox.clock import parse_time
from sandbox.params import Choice
from sandbox.state import Record

CLOSED_PERIODS = (
    "today",
    "yesterday",
    "currentWeek",
    "currentMonth",
    "last3days",
    "last7days",
    "last15days",
    "last30days",
)
DUE_PERIODS = ("overdue", "tomorrow", "currentWeek", "currentMonth", "today")
CLOSED_TIME = Choice(values=CLOSED_PERIODS)
DUE_DATE = Choice(values=DUE_PERIODS, many=True)


def _day(now: datetime, offset: int = 0) -> tuple[datetime, datetime]:
    start = datetime(now.year, now.month, now.day, tzinfo=timezone.utc) + timedelta(days=offset)
    return start, start + timedelta(days=1)


def _week(now: datetime) -> tuple[datetime, datetime]:
    start = _day(now)[0] - timedelta(days=now.weekday())
    return start, start + timedelta(days=7)


def _month(now: datetime) -> tuple[datetime, datetime]:
    start = datetime(now.year, now.month, 1, tzinfo=timezone.utc)
    following = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=timezone.utc)
    return start, following


def _span(period: str, now: datetime) -> tuple[datetime, datetime]:
    if period == "today":
        return _day(now)
    if period == "yesterday":
        return _day(now, -1)
    if period == "tomorrow":
        return _day(now, 1)
    if period == "currentWeek":
        return _week(now)
    if period == "currentMonth":
        return _month(now)
    days = int(period.removeprefix("last").removesuffix("days"))
    return now - timedelta(days=days), now + timedelta(microseconds=1)


def closed_in(ticket: Record, period: str, now: datetime) -> bool:
    closed = parse_time(ticket["closedTime"]) if ticket.get("closedTime") else None
    if closed is None:
        return False
    start, end = _span(period, now)
    return start <= closed < end


def due_in(ticket: Record, periods: list[str], now: datetime) -> bool:
    """Any of the periods: `overdue` is an open ticket whose due date has passed."""
    due = parse_time(ticket["dueDate"]) if ticket.get("dueDate") else None
    if due is None:
        return False
    for period in periods:
        if period == "overdue":
            if due < now and ticket.get("statusType") != "Closed":
                return True
            continue
        start, end = _span(period, now)
        if start <= due < end:
            return True
    return False
