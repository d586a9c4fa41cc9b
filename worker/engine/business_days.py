"""Durations with a calendar: `d` and `w` count business days, `h`, `m` and `s` business time.

`older_than: 5d` with a calendar used to mean 120 business hours (15 working days of 8 hours); a person reads
five working days. The span of `NdHh` from a moment is the business time of N working days from it
(`Calendar.business_days_span`: the same local time N working days later) plus H business hours; `1w` is the
calendar's working weekdays (5 for Monday to Friday). This holds for older_than/newer_than conditions and for
SLA targets of a policy with a calendar, and for a task's `due_in` with a calendar. SLA level offsets (`at:`, counted
from a breach) stay business time, where 1d is 24 business hours: `rules check` says so wherever a `d` or `w` meets
a calendar (`meaning_warnings`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from worker.engine.calendars import Calendar
from worker.engine.durations import split_days
from worker.engine.values import parse_time

Path = tuple[Any, ...]


def has_days(text: Any) -> bool:
    """Whether a duration as written has a `d` or `w` part."""
    if not isinstance(text, str):
        return False
    try:
        weeks, days, _ = split_days(text)
    except ValueError:
        return False
    return bool(weeks or days)


def working_days(calendar: Calendar, text: str) -> int:
    weeks, days, _ = split_days(text)
    return weeks * calendar.days_per_week + days


def business_span(calendar: Calendar, start: datetime, text: str) -> timedelta:
    """The business time `text` stands for from `start`: its working days, then its business hours."""
    weeks, days, rest = split_days(text)
    return calendar.business_days_span(start, weeks * calendar.days_per_week + days) + rest


def hours_text(delta: timedelta) -> str:
    """Business time in hours and minutes ("40h", "3h30m"): a "day" of business time would read like a calendar
    day."""
    minutes = abs(delta) // timedelta(minutes=1)
    hours, minutes = divmod(minutes, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return ("-" if delta < timedelta() else "") + (text or "0m")


def elapsed_days_probe(
    getter: Callable[[Any], Any], operator: str, text: str, calendar: Calendar
) -> Callable[[Any], tuple[bool, Any]]:
    """The probe of `{field, older_than|newer_than: text, calendar}` when `text` has days (conditions.py)."""
    older = operator == "older_than"

    def probe(ctx: Any) -> tuple[bool, Any]:
        value = getter(ctx.ticket)
        moment = parse_time(value)
        if moment is None:
            return False, value
        elapsed = calendar.business_time_between(moment, ctx.now)
        span = business_span(calendar, moment, text)
        shown = (
            f"{value} ({hours_text(elapsed)} ago in business hours of {calendar.name!r}; {text} from it is "
            f"{hours_text(span)})"
        )
        return (elapsed >= span) == older, shown

    return probe


Report = Callable[..., None]


def meaning_warnings(file_data: Any, report: Report) -> None:
    """Warn at every `d`/`w` duration used with a calendar in one file's plain data (see the module docstring)."""
    for path, text, calendar, now_days in _day_durations(file_data):
        if now_days:
            report(
                path,
                f"with calendar {calendar!r}, {text} now means {_days_words(text)} (before: "
                f"{_old_hours(text)} business hours); write {_old_hours(text)}h to keep the old meaning",
                severity="warning",
            )
        else:
            report(
                path,
                f"with calendar {calendar!r}, {text} here is {_old_hours(text)} business hours, not "
                f"{_days_words(text)}; write it in hours ({_old_hours(text)}h) to say so",
                severity="warning",
            )


def _days_words(text: str) -> str:
    weeks, days, rest = split_days(text)
    parts = [
        f"{weeks} business week{'s' if weeks != 1 else ''}" if weeks else "",
        f"{days} business day{'s' if days != 1 else ''}" if days else "",
        f"{hours_text(rest)} of business time" if rest else "",
    ]
    return " and ".join(part for part in parts if part)


def _old_hours(text: str) -> str:
    weeks, days, rest = split_days(text)
    total = timedelta(weeks=weeks, days=days) + rest
    return hours_text(total).removesuffix("h") if not total % timedelta(hours=1) else hours_text(total)


def _day_durations(data: Any) -> Iterator[tuple[Path, str, str, bool]]:
    """(path, duration text, calendar, whether it now counts business days) for each `d`/`w` duration that a
    calendar applies to: elapsed conditions, SLA targets (both now business days), SLA offsets and due_in."""
    if not isinstance(data, dict):
        return
    for index, rule in enumerate(_items(data.get("rules"))):
        yield from _in_conditions(rule, ("rules", index))
    for index, policy in enumerate(_items(data.get("sla_policies"))):
        loc = ("sla_policies", index)
        yield from _in_conditions(policy, loc)
        calendar = policy.get("calendar")
        metrics = policy.get("metrics")
        if not isinstance(calendar, str) or not isinstance(metrics, dict):
            continue
        for name, metric in metrics.items():
            if not isinstance(metric, dict):
                continue
            targets = metric.get("targets")
            for key, text in targets.items() if isinstance(targets, dict) else ():
                if has_days(text):
                    yield loc + ("metrics", name, "targets", key), text, calendar, True
            for number, level in enumerate(_items(metric.get("escalations"))):
                if has_days(level.get("at")):
                    yield loc + ("metrics", name, "escalations", number, "at"), level["at"], calendar, False


def _in_conditions(node: Any, loc: Path) -> Iterator[tuple[Path, str, str, bool]]:
    """Elapsed conditions with a calendar (anywhere under `node`) and tasks whose due_in has a calendar."""
    if isinstance(node, dict):
        calendar = node.get("calendar")
        if isinstance(calendar, str):
            for key in ("older_than", "newer_than"):
                if has_days(node.get(key)):
                    yield loc + (key,), node[key], calendar, True
            if has_days(node.get("due_in")):
                yield loc + ("due_in",), node["due_in"], calendar, True
        for key, value in node.items():
            yield from _in_conditions(value, loc + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _in_conditions(value, loc + (index,))


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
