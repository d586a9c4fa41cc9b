"""Query-parameter rules per endpoint: unknown names and bad values are refused with 422, as the Desk does."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.clock import parse_time
from sandbox.errors import ApiError, unprocessable


class Param:
    """A query parameter's rule: `parse` returns the typed value or raises ApiError naming the field."""

    def parse(self, name: str, raw: str) -> Any:
        return raw


def _invalid(name: str) -> ApiError:
    return unprocessable(f"The value passed for the '{name}' query parameter is invalid.")


@dataclass(frozen=True)
class Text(Param):
    pass


@dataclass(frozen=True)
class Integer(Param):
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise _invalid(name) from None
        low = self.minimum if self.minimum is not None else value
        high = self.maximum if self.maximum is not None else value
        if not low <= value <= high:
            raise unprocessable(f"The value passed for field '{name}' exceeds the range of '{low}-{high}'.")
        return value


@dataclass(frozen=True)
class Choice(Param):
    """One of a fixed set of values; `many` accepts a comma list of them."""

    values: tuple[str, ...]
    many: bool = False

    def parse(self, name: str, raw: str) -> Any:
        parts = [part.strip() for part in raw.split(",")] if self.many else [raw]
        if not parts or any(part not in self.values for part in parts):
            raise unprocessable(
                f"The value passed for the '{name}' query parameter is invalid; allowed: {', '.join(self.values)}."
            )
        return parts if self.many else raw


@dataclass(frozen=True)
class Sort(Param):
    """`field` ascending, `-field` descending; returns (field, descending)."""

    fields: tuple[str, ...]

    def parse(self, name: str, raw: str) -> tuple[str, bool]:
        descending = raw.startswith("-")
        field_name = raw[1:] if descending else raw
        if field_name not in self.fields:
            raise unprocessable(
                f"The value passed for the '{name}' query parameter is invalid; allowed: {', '.join(self.fields)}."
            )
        return field_name, descending


@dataclass(frozen=True)
class Id(Param):
    def parse(self, name: str, raw: str) -> str:
        if not raw.isdigit():
            raise _invalid(name)
        return raw


@dataclass(frozen=True)
class Ids(Param):
    """A comma list of ids."""

    def parse(self, name: str, raw: str) -> list[str]:
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not parts or not all(part.isdigit() for part in parts):
            raise _invalid(name)
        return parts


@dataclass(frozen=True)
class TimeRange(Param):
    """`<iso>,<iso>` as /tickets/search takes for modifiedTimeRange and createdTimeRange."""

    def parse(self, name: str, raw: str) -> tuple[Any, Any]:
        parts = raw.split(",")
        if len(parts) != 2:
            raise _invalid(name)
        try:
            start, end = parse_time(parts[0]), parse_time(parts[1])
        except ValueError:
            raise _invalid(name) from None
        if end < start:
            raise _invalid(name)
        return start, end


@dataclass(frozen=True)
class Flag(Param):
    def parse(self, name: str, raw: str) -> bool:
        if raw not in ("true", "false"):
            raise _invalid(name)
        return raw == "true"


@dataclass(frozen=True)
class CustomFieldFilter(Param):
    """`customField1=ModelName:F3*`: a custom field's name and the value (wildcard allowed) it must match."""

    def parse(self, name: str, raw: str) -> tuple[str, str]:
        field_name, sep, value = raw.partition(":")
        if not sep or not field_name:
            raise _invalid(name)
        return field_name, value


CUSTOM_FIELDS = "customField<N>"
CUSTOM_FIELD_PARAM = re.compile(r"customField\d+")
FROM = Integer(minimum=0)
LIMIT = Integer(minimum=1, maximum=100)
SEARCH_FROM = Integer(minimum=0, maximum=4999)
PAGING: dict[str, Param] = {"from": FROM, "limit": LIMIT}


def include(*values: str) -> Choice:
    return Choice(values=values, many=True)


def validate_query(items: Iterable[tuple[str, str]], rules: Mapping[str, Param]) -> dict[str, Any]:
    """Check every query parameter against the endpoint's rules; the first problem is the answer."""
    parsed: dict[str, Any] = {}
    for name, raw in items:
        rule = rules.get(name)
        if rule is None and CUSTOM_FIELD_PARAM.fullmatch(name):
            rule = rules.get(CUSTOM_FIELDS)
        if rule is None:
            raise unprocessable(f"Extra query parameter '{name}' is present in the input.")
        parsed[name] = rule.parse(name, raw)
    return parsed
