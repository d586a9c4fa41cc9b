"""Shared list semantics: filters (exact, `*` wildcard, comma any-of), sorting (`-` descending), paging."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sandbox.state import Record

DEFAULT_LIMIT = 10  # the Desk's default page size when `limit` is absent
SEARCH_DEFAULT_LIMIT = 10


def value_matches(actual: Any, pattern: str) -> bool:
    """A search value: `a,b` is any of; `abc*` matches a prefix; otherwise exact, case-insensitive as the Desk."""
    text = "" if actual is None else str(actual).lower()
    for option in pattern.split(","):
        option = option.strip().lower()
        if option.endswith("*"):
            if text.startswith(option[:-1]):
                return True
        elif text == option:
            return True
    return False


def filter_records(
    records: Iterable[Record], filters: dict[str, str], get: Callable[[Record, str], Any] | None = None
) -> list[Record]:
    """Keep the records whose every filtered field matches; `get` reads a field (default: the key)."""
    read = get or (lambda record, name: record.get(name))
    return [
        record
        for record in records
        if all(value_matches(read(record, name), pattern) for name, pattern in filters.items())
    ]


def _sort_key(value: Any) -> tuple[int, Any]:
    """None sorts last ascending; numeric strings sort as numbers, as ids and counts should."""
    if value is None:
        return (1, "")
    if isinstance(value, str) and value.isdigit():
        return (0, (0, int(value), ""))
    return (0, (1, 0, str(value).lower()))


def sort_records(
    records: list[Record], field_name: str, descending: bool, get: Callable[[Record, str], Any] | None = None
) -> list[Record]:
    read = get or (lambda record, name: record.get(name))
    present = [record for record in records if read(record, field_name) is not None]
    missing = [record for record in records if read(record, field_name) is None]
    present.sort(key=lambda record: _sort_key(read(record, field_name)), reverse=descending)
    return present + missing


def page(records: list[Any], query: dict[str, Any], default_limit: int = DEFAULT_LIMIT) -> list[Any]:
    """`from` is 0-based, `limit` 1..100 (already validated by the endpoint's params)."""
    start = query.get("from", 0)
    limit = query.get("limit", default_limit)
    return records[start : start + limit]
