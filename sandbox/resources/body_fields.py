"""Typed reading of JSON request bodies: every bad or missing field is named in one 422 INVALID_DATA, as the Desk does.

A resource declares its writable fields as `{name: Field}`; `read_fields` returns the parsed values of the fields
present in the body (so a PATCH can tell "absent" from "null"). Fields the spec does not declare are ignored:
clients send whole records back, read-only fields included (the seed's own time entry example sends totalCost).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.clock import format_time, parse_time
from sandbox.errors import ApiError, invalid_data
from sandbox.state import Org

BOOL_TEXT = {"true": True, "false": False}


class BadValue(Exception):
    """A field's value does not fit its rule; `kind` is the Desk's errorType."""

    def __init__(self, kind: str = "invalid") -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Field:
    """A body field's rule. `parse` returns the stored value or raises BadValue; null passes when nullable."""

    nullable: bool = True

    def read(self, org: Org, value: Any) -> Any:
        if value is None:
            if not self.nullable:
                raise BadValue()
            return None
        return self.parse(org, value)

    def parse(self, org: Org, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class Text(Field):
    max_length: int | None = None

    def parse(self, org: Org, value: Any) -> str | None:  # subclasses store "" as null
        if not isinstance(value, str) or (self.max_length is not None and len(value) > self.max_length):
            raise BadValue()
        return value


@dataclass(frozen=True)
class Boolean(Field):
    """true/false, or their text: the seed's own comment example sends "isPublic": "true"."""

    def parse(self, org: Org, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in BOOL_TEXT:
            return BOOL_TEXT[value]
        raise BadValue()


@dataclass(frozen=True)
class Whole(Field):
    """A whole number, as a number or as digits in a string ("21"), within bounds."""

    minimum: int = 0
    maximum: int | None = None

    def parse(self, org: Org, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise BadValue()
        text = str(value).strip()
        if not text.lstrip("-").isdigit():
            raise BadValue()
        number = int(text)
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            raise BadValue()
        return number


@dataclass(frozen=True)
class Amount(Field):
    """A non-negative decimal, as a number or as text ("3.0")."""

    def parse(self, org: Org, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise BadValue()
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise BadValue() from None
        if not amount.is_finite() or amount < 0:
            raise BadValue()
        return amount


@dataclass(frozen=True)
class OneOf(Field):
    values: tuple[str, ...] = ()

    def parse(self, org: Org, value: Any) -> str:
        if value not in self.values:
            raise BadValue()
        return value


@dataclass(frozen=True)
class Timestamp(Field):
    """An ISO-8601 time, stored as the Desk writes it ("2016-06-21T13:16:14.000Z")."""

    def parse(self, org: Org, value: Any) -> str:
        if not isinstance(value, str):
            raise BadValue()
        try:
            return format_time(parse_time(value))
        except ValueError:
            raise BadValue() from None


def _id_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise BadValue()
    return str(value).strip()


@dataclass(frozen=True)
class Ref(Field):
    """The id of an existing record of one of the org's collections ("agents", "departments", ...)."""

    collection: str = ""

    def parse(self, org: Org, value: Any) -> str:
        record_id = _id_text(value)
        if record_id not in getattr(org, self.collection):
            raise BadValue()
        return record_id


@dataclass(frozen=True)
class IdList(Field):
    """A list of ids (their existence is the caller's business: see uploads.take_uploads)."""

    def parse(self, org: Org, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise BadValue()
        return [_id_text(item) for item in value]


@dataclass(frozen=True)
class Object(Field):
    """An object of text (or null) values, such as customFields."""

    def parse(self, org: Org, value: Any) -> dict[str, Any]:
        scalars = (str, int, float, bool)
        if not isinstance(value, dict) or not all(item is None or isinstance(item, scalars) for item in value.values()):
            raise BadValue()
        return dict(value)


def body_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(422, "INVALID_DATA", "The request body must be a JSON object.", errors=[])
    return body


def read_fields(org: Org, body: Any, spec: Mapping[str, Field], required: Collection[str] = ()) -> dict[str, Any]:
    """The parsed values of the declared fields present in `body`; raises one INVALID_DATA naming every bad one.
    A required field that is absent, null or blank is "missing"."""
    body = body_object(body)
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name, rule in spec.items():
        if name in required and (body.get(name) is None or body.get(name) == ""):
            errors.append((name, "missing"))
            continue
        if name not in body:
            continue
        try:
            values[name] = rule.read(org, body[name])
        except BadValue as bad:
            errors.append((name, bad.kind))
    if errors:
        raise invalid_data(*errors)
    return values
