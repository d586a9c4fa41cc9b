"""Compile a condition tree into closures once, at load; run it per event, reporting the first failing leaf.

`compile_condition` turns the schema's `all` / `any` / `not` / field tests into a `check(ctx)` function that
returns None when the condition holds and a `Failure` (path, operator, expected, actual) when it does not:
for `all` the first failing child; for `any` a failure listing every child's; for `not` the inner test that held.

Change operators read the change of their field from the event (`Event.changes`, keyed by field path or by its
top-level field) or, without changes, from the previous ticket; on ticket.created every non-empty field counts as
changed from empty. Elapsed-time operators count from the field's time to `now`, in calendar time or in the
business hours of a named calendar; `business_hours` asks whether a named calendar is open at `now`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from worker.engine.business_days import elapsed_days_probe, has_days
from worker.engine.calendars import Calendar
from worker.engine.changed_by import describe as describe_actor
from worker.engine.changed_by import matches as actor_matches
from worker.engine.durations import format_duration, parse_duration
from worker.engine.lists import Lists
from worker.engine.operators import ChangeTest, ElapsedTest, ValueTest, change_test, elapsed_test, value_test
from worker.engine.paths import Getter, make_getter, split_path
from worker.engine.schema import (
    CHANGE_OPERATORS,
    ELAPSED_OPERATORS,
    AllCondition,
    AnyCondition,
    BusinessHoursCondition,
    ChangedByCondition,
    FieldCondition,
    NotCondition,
)
from worker.engine.values import parse_time, same_value
from worker.engine.yamlsource import Path

Report = Callable[[Path, str], None]


class EvalContext:
    """What one evaluation of one ticket sees; shared by every rule of the event."""

    __slots__ = ("changes", "kind", "now", "previous", "ticket")

    def __init__(
        self,
        ticket: Mapping[str, Any],
        previous: Mapping[str, Any] | None,
        changes: Mapping[str, Any] | None,
        kind: str,
        now: datetime,
    ) -> None:
        self.ticket = ticket
        self.previous = previous
        self.changes = changes
        self.kind = kind
        self.now = now


class Failure(NamedTuple):
    """Why a condition did not hold: the leaf's path, operator and expected value, and what the ticket had.

    A NamedTuple: one is built for every rule that does not match, on every event, so it must be cheap.
    """

    path: str
    operator: str
    expected: Any
    actual: Any
    children: tuple[Failure, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "operator": self.operator,
            "expected": self.expected,
            "actual": self.actual,
        }
        if self.children:
            data["children"] = [child.as_dict() for child in self.children]
        return data

    def describe(self) -> str:
        if self.operator == "any":
            return "none of: " + "; ".join(f"({child.describe()})" for child in self.children)
        if not self.path:
            return f"{self.operator}: {self.actual}"
        return f"{self.path} {self.operator} {show(self.expected)}: actual {show(self.actual)}"


def show(value: Any) -> str:
    """A value as a rule author wrote it: strings quoted but not escaped (regexes stay readable)."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in value.items()) + "}"
    if value is None:
        return "null"
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Check = Callable[[EvalContext], Failure | None]
Probe = Callable[[EvalContext], tuple[bool, Any]]  # (passes, the value shown for it)


@dataclass
class Leaf:
    """One compiled field test, with what lint needs to know about where it sits."""

    path: str
    operator: str
    expected: Any
    family: str  # "value" | "change" | "elapsed"
    loc: Path
    getter: Getter
    accepts: Callable[[Any], bool] | None  # value tests only: would this value pass?
    probe: Callable[[EvalContext], tuple[bool, Any]]
    value_test: Callable[[Any, datetime], bool] | None = None
    under_any: bool = False
    under_not: bool = False
    top_level: bool = False


@dataclass
class CompiledCondition:
    check: Check
    leaves: list[Leaf] = field(default_factory=list)


ALWAYS = CompiledCondition(check=lambda ctx: None)


def compile_condition(
    model: Any, calendars: Mapping[str, Calendar], loc: Path, report: Report, lists: Lists | None = None
) -> CompiledCondition:
    """Compile the `if:` of a rule (None means "always"); unknown calendars and lists are reported, not raised."""
    if model is None:
        return ALWAYS
    model = (lists or Lists()).resolve(model, loc, report)
    compiled = CompiledCondition(check=ALWAYS.check)
    compiled.check = _compile(model, calendars, loc, report, compiled.leaves, (False, False, True))
    return compiled


def _compile(
    model: Any,
    calendars: Mapping[str, Calendar],
    loc: Path,
    report: Report,
    leaves: list[Leaf],
    where: tuple[bool, bool, bool],
) -> Check:
    under_any, under_not, top = where
    if isinstance(model, AllCondition):
        checks = [
            _compile(child, calendars, loc + ("all", index), report, leaves, (under_any, under_not, top))
            for index, child in enumerate(model.all)
        ]
        return _all(checks)
    if isinstance(model, AnyCondition):
        checks = [
            _compile(child, calendars, loc + ("any", index), report, leaves, (True, under_not, False))
            for index, child in enumerate(model.any)
        ]
        return _any(checks)
    if isinstance(model, NotCondition):
        inner_leaves: list[Leaf] = []
        inner = _compile(
            model.not_, calendars, loc + ("not",), report, inner_leaves, (under_any, True, top and not under_not)
        )
        leaves.extend(inner_leaves)
        single = inner_leaves[0] if isinstance(model.not_, FieldCondition) else None
        return _not(inner, single)
    if isinstance(model, BusinessHoursCondition):
        return _business_hours(model, calendars, loc + ("business_hours",), report)
    leaf = (
        _changed_by_leaf(model, loc) if isinstance(model, ChangedByCondition) else _leaf(model, calendars, loc, report)
    )
    leaf.under_any, leaf.under_not, leaf.top_level = under_any, under_not, top
    leaves.append(leaf)
    return _leaf_check(leaf)


def _all(checks: list[Check]) -> Check:
    """The first failure of the children, in order; short lists are unrolled (a Failure is always truthy)."""
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda ctx: first(ctx) or second(ctx)
    if len(checks) == 3:
        first, second, third = checks
        return lambda ctx: first(ctx) or second(ctx) or third(ctx)

    def check(ctx: EvalContext) -> Failure | None:
        for child in checks:
            failure = child(ctx)
            if failure is not None:
                return failure
        return None

    return check


def _any(checks: list[Check]) -> Check:
    def check(ctx: EvalContext) -> Failure | None:
        failures = []
        for child in checks:
            failure = child(ctx)
            if failure is None:
                return None
            failures.append(failure)
        return Failure("", "any", None, None, tuple(failures))

    return check


def _not(inner: Check, leaf: Leaf | None) -> Check:
    def check(ctx: EvalContext) -> Failure | None:
        if inner(ctx) is not None:
            return None
        if leaf is None:
            return Failure("", "not", None, "the negated condition held")
        return Failure(leaf.path, f"not {leaf.operator}", leaf.expected, leaf.probe(ctx)[1])

    return check


_new_tuple = tuple.__new__  # builds a Failure without NamedTuple.__new__'s extra Python frame


def _leaf_check(leaf: Leaf) -> Check:
    """The leaf as a check; value tests are fused with their getter (the hot path of every event)."""
    path, operator, expected = leaf.path, leaf.operator, leaf.expected
    if leaf.family == "value":
        test = leaf.value_test
        assert test is not None  # _leaf gives every value leaf its test
        parts = split_path(path)
        if len(parts) == 1:
            key = parts[0]

            def check_top(ctx: EvalContext) -> Failure | None:
                actual = ctx.ticket.get(key)
                if test(actual, ctx.now):
                    return None
                return _new_tuple(Failure, (path, operator, expected, actual, ()))

            return check_top
        getter = leaf.getter

        def check_value(ctx: EvalContext) -> Failure | None:
            actual = getter(ctx.ticket)
            if test(actual, ctx.now):
                return None
            return _new_tuple(Failure, (path, operator, expected, actual, ()))

        return check_value
    probe = leaf.probe

    def check(ctx: EvalContext) -> Failure | None:
        ok, actual = probe(ctx)
        return None if ok else _new_tuple(Failure, (path, operator, expected, actual, ()))

    return check


def _business_hours(
    model: BusinessHoursCondition, calendars: Mapping[str, Calendar], loc: Path, report: Report
) -> Check:
    """Open (or closed) at the evaluation's `now`: the event's time, or a time rule's tick."""
    name, want = model.business_hours.calendar, model.business_hours.is_
    path = f"business_hours.{name}"
    calendar = calendars.get(name)
    if calendar is None:
        known = ", ".join(sorted(calendars)) or "none defined"
        report(loc + ("calendar",), f"unknown calendar {name!r}; expected one of: {known}")
        return lambda ctx: Failure(path, "is", want, "unknown calendar")
    zone = calendar.zone

    def check(ctx: EvalContext) -> Failure | None:
        state = "open" if calendar.is_open(ctx.now) else "closed"
        if state == want:
            return None
        local = ctx.now.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")
        return Failure(path, "is", want, f"{state} ({local} {zone.key})")

    return check


def _leaf(model: FieldCondition, calendars: Mapping[str, Calendar], loc: Path, report: Report) -> Leaf:
    operator, expected, path = model.operator, model.value, model.field
    getter = make_getter(path)
    if operator in CHANGE_OPERATORS:
        probe = _change_probe(path, getter, change_test(operator, expected, model.ignore_case))
        return Leaf(path, operator, expected, "change", loc, getter, None, probe)
    if operator in ELAPSED_OPERATORS:
        calendar = None
        if model.calendar is not None:
            calendar = calendars.get(model.calendar)
            if calendar is None:
                known = ", ".join(sorted(calendars)) or "none defined"
                report(loc + ("calendar",), f"unknown calendar {model.calendar!r}; expected one of: {known}")
        probe = _elapsed_probe(getter, elapsed_test(operator, parse_duration(expected)), calendar)
        if calendar is not None and has_days(expected):  # d/w with a calendar: business days (business_days.py)
            probe = elapsed_days_probe(getter, operator, expected, calendar)
        return Leaf(path, operator, expected, "elapsed", loc, getter, None, probe)
    test = value_test(operator, expected, model.ignore_case)
    probe = _value_probe(getter, test)
    accepts = (
        None
        if isinstance(expected, str) and expected.strip().startswith("now")
        else (lambda value: test(value, datetime.min))
    )
    return Leaf(path, operator, expected, "value", loc, getter, accepts, probe, test)


def _changed_by_leaf(model: ChangedByCondition, loc: Path) -> Leaf:
    """Who made the event's change, from the actor the event's ticket carries (`changed_by`, set at ingest)."""
    values = model.values
    getter = make_getter("changed_by")

    def probe(ctx: EvalContext) -> tuple[bool, Any]:
        record = getter(ctx.ticket)
        return any(actor_matches(record, value) for value in values), describe_actor(record)

    expected = values[0] if len(values) == 1 else values
    return Leaf("changed_by", "is", expected, "change", loc, getter, None, probe)


def _value_probe(getter: Getter, test: ValueTest) -> Probe:
    def probe(ctx: EvalContext) -> tuple[bool, Any]:
        actual = getter(ctx.ticket)
        return test(actual, ctx.now), actual

    return probe


def _elapsed_probe(getter: Getter, test: ElapsedTest, calendar: Calendar | None) -> Probe:
    def probe(ctx: EvalContext) -> tuple[bool, Any]:
        value = getter(ctx.ticket)
        moment = parse_time(value)
        if moment is None:
            return False, value
        elapsed = calendar.business_time_between(moment, ctx.now) if calendar else ctx.now - moment
        suffix = f" in business hours of {calendar.name!r}" if calendar else ""
        return test(elapsed), f"{value} ({format_duration(elapsed)} ago{suffix})"

    return probe


def _change_probe(path: str, getter: Getter, test: ChangeTest) -> Probe:
    parts = split_path(path)
    top, rest = parts[0], make_getter(".".join(parts[1:])) if len(parts) > 1 else None

    def probe(ctx: EvalContext) -> tuple[bool, Any]:
        change = change_of(ctx, path, getter, top, rest)
        actual = {"from": change[0], "to": change[1]} if change else "unchanged"
        return test(change), actual

    return probe


def change_of(ctx: EvalContext, path: str, getter: Getter, top: str, rest: Getter | None) -> tuple[Any, Any] | None:
    """(old, new) when the field at `path` changed in this event, else None."""
    if ctx.changes is not None:
        if path in ctx.changes:
            old, new = ctx.changes[path]
        elif rest is not None and top in ctx.changes:
            old_top, new_top = ctx.changes[top]
            old, new = rest(old_top), rest(new_top)
        else:
            return None
    elif ctx.previous is not None:
        old, new = getter(ctx.previous), getter(ctx.ticket)
    elif ctx.kind == "ticket.created":
        old, new = None, getter(ctx.ticket)
    else:
        return None
    return None if same_value(old, new) else (old, new)
