"""The condition operators, each a small factory that returns a test compiled once at load.

Three families, by what the test needs:

- value tests `(actual, now) -> bool` on the field's current value: equals, not_equals, in, not_in, contains,
  starts_with, ends_with, matches, contains_any, matches_any (one of several texts or patterns), exists,
  is_empty, gt, gte, lt, lte;
- change tests `(change) -> bool` where change is None (unchanged) or (old, new): changed, not_changed,
  changed_to, changed_from (Zendesk semantics: a first value set from empty counts as a change, and so does
  clearing a field; `changed_to: null` means "was cleared", `changed_from: null` "was set for the first time");
- elapsed tests `(elapsed) -> bool` on the time since the field's time, in calendar or business time:
  older_than (elapsed >= duration), newer_than (elapsed < duration; a time in the future counts as newer).

Semantics shared by the value tests (see values.py for comparisons):
- a list-valued field matches equals/in/contains when any element does; not_equals/not_in when none does;
- a missing field is None: it fails every positive test and passes not_equals / not_in / exists: false;
- gt/gte/lt/lte compare numbers with numbers (numeric strings included), times with times and durations with
  durations; the bound may be a number, an ISO time, `now`, `now - 4h`, `now + 30m`, or a duration (`30m`, for
  a field holding one: the SLA state's remaining and elapsed); an uncoercible actual value fails the test.
"""

from __future__ import annotations

import operator as op_module
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from worker.engine.durations import parse_duration
from worker.engine.patterns import compile_pattern
from worker.engine.values import fold, is_blank, loose_equal, parse_bound, parse_time, to_number

ValueTest = Callable[[Any, datetime], bool]
Change = tuple[Any, Any] | None
ChangeTest = Callable[[Change], bool]
ElapsedTest = Callable[[timedelta], bool]

_ORDER = {"gt": op_module.gt, "gte": op_module.ge, "lt": op_module.lt, "lte": op_module.le}


def value_test(name: str, expected: Any, ignore_case: bool = False) -> ValueTest:
    """The compiled test for value operator `name` with its expected value."""
    return _VALUE_FACTORIES[name](expected, ignore_case)


def _equals(expected: Any, ignore_case: bool) -> ValueTest:
    exact_type = None if ignore_case else type(expected)

    def test(actual: Any, now: datetime) -> bool:
        if type(actual) is exact_type:  # the common case: a string against a string
            same: bool = actual == expected  # a typed local, not bool(): this is the hottest line of evaluation
            return same
        if isinstance(actual, list):
            return any(loose_equal(item, expected, ignore_case) for item in actual)
        return loose_equal(actual, expected, ignore_case)

    return test


def _not_equals(expected: Any, ignore_case: bool) -> ValueTest:
    positive = _equals(expected, ignore_case)
    return lambda actual, now: not positive(actual, now)


def _in(expected: list[Any], ignore_case: bool) -> ValueTest:
    exact = frozenset(item for item in expected if isinstance(item, str)) if not ignore_case else frozenset()
    others = [item for item in expected if not isinstance(item, str)] if not ignore_case else list(expected)

    def one(actual: Any) -> bool:
        if type(actual) is str and actual in exact:
            return True
        return any(loose_equal(actual, item, ignore_case) for item in others) or (
            type(actual) is not str and any(loose_equal(actual, item) for item in exact)
        )

    def test(actual: Any, now: datetime) -> bool:
        if type(actual) is str and actual in exact:  # the common case
            return True
        if isinstance(actual, list):
            return any(one(item) for item in actual)
        return one(actual)

    return test


def _not_in(expected: list[Any], ignore_case: bool) -> ValueTest:
    positive = _in(expected, ignore_case)
    return lambda actual, now: not positive(actual, now)


def _text_of(actual: Any) -> str | None:
    if isinstance(actual, str):
        return actual
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        return str(actual)
    return None


def _contains(expected: str, ignore_case: bool) -> ValueTest:
    needle = fold(str(expected), ignore_case)

    def test(actual: Any, now: datetime) -> bool:
        if isinstance(actual, list):
            return any(loose_equal(item, expected, ignore_case) for item in actual)
        text = _text_of(actual)
        return text is not None and needle in fold(text, ignore_case)

    return test


def _affix(method: str) -> Callable[[str, bool], ValueTest]:
    def factory(expected: str, ignore_case: bool) -> ValueTest:
        affix = fold(str(expected), ignore_case)

        def test(actual: Any, now: datetime) -> bool:
            text = _text_of(actual)
            return text is not None and getattr(fold(text, ignore_case), method)(affix)

        return test

    return factory


def _matches(expected: str, ignore_case: bool) -> ValueTest:
    search = compile_pattern(expected, ignore_case)  # RE2: linear in the text, whatever the pattern

    def test(actual: Any, now: datetime) -> bool:
        text = _text_of(actual)
        return text is not None and search(text)

    return test


def _contains_any(expected: list[str], ignore_case: bool) -> ValueTest:
    tests = [_contains(item, ignore_case) for item in expected]
    return lambda actual, now: any(test(actual, now) for test in tests)


def _matches_any(expected: list[str], ignore_case: bool) -> ValueTest:
    if not expected:
        return lambda actual, now: False
    return _matches("|".join(f"(?:{pattern})" for pattern in expected), ignore_case)  # one RE2 pass over the text


def _exists(expected: bool, ignore_case: bool) -> ValueTest:
    return lambda actual, now: (actual is not None) == expected


def _is_empty(expected: bool, ignore_case: bool) -> ValueTest:
    return lambda actual, now: is_blank(actual) == expected


def _ordering(name: str) -> Callable[[Any, bool], ValueTest]:
    compare = _ORDER[name]

    def factory(expected: Any, ignore_case: bool) -> ValueTest:
        kind, bound = parse_bound(expected, parse_duration)
        if kind == "number":
            return lambda actual, now: (number := to_number(actual)) is not None and compare(number, bound)
        if kind == "time":
            return lambda actual, now: (moment := parse_time(actual)) is not None and compare(moment, bound)
        if kind == "duration":
            return lambda actual, now: isinstance(actual, timedelta) and compare(actual, bound)
        return lambda actual, now: (moment := parse_time(actual)) is not None and compare(moment, now + bound)

    return factory


_VALUE_FACTORIES: dict[str, Callable[[Any, bool], ValueTest]] = {
    "equals": _equals,
    "not_equals": _not_equals,
    "in": _in,
    "not_in": _not_in,
    "contains": _contains,
    "starts_with": _affix("startswith"),
    "ends_with": _affix("endswith"),
    "matches": _matches,
    "contains_any": _contains_any,
    "matches_any": _matches_any,
    "exists": _exists,
    "is_empty": _is_empty,
    "gt": _ordering("gt"),
    "gte": _ordering("gte"),
    "lt": _ordering("lt"),
    "lte": _ordering("lte"),
}


def change_test(name: str, expected: Any, ignore_case: bool = False) -> ChangeTest:
    """The compiled test for change operator `name`; it receives None (unchanged) or (old, new)."""
    if name == "changed":
        return (lambda change: change is not None) if expected else (lambda change: change is None)
    if name == "not_changed":
        return (lambda change: change is None) if expected else (lambda change: change is not None)
    side = 1 if name == "changed_to" else 0
    if expected is None:
        return lambda change: change is not None and is_blank(change[side])
    return lambda change: change is not None and loose_equal(change[side], expected, ignore_case)


def elapsed_test(name: str, duration: timedelta) -> ElapsedTest:
    """older_than: at least `duration` has passed; newer_than: less than that (or the time is in the future)."""
    if name == "older_than":
        return lambda elapsed: elapsed >= duration
    return lambda elapsed: elapsed < duration
