"""Custom fields of tickets, contacts and accounts: their definitions, the `cf` view (api names), and values
checked by type, as the Desk's layouts define them.

A record keeps its custom values under `customFields`, keyed by label (the seed's shape); `cf` shows the same
values keyed by api name (`cf_` and the label in snake case: ModelName -> cf_model_name), as the vendor's spec
has it. Both are text or null: the Desk returns every custom value as a string. A write may name a field either
way: `customFields` by label, `cf` by api name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.clock import format_time, parse_time
from sandbox.story import MODEL_NAMES


@dataclass(frozen=True)
class CustomField:
    label: str
    kind: str  # the Desk's field type: Text, Email, Phone, Picklist, Number, Percent, Decimal, Date, DateTime, URL...
    values: tuple[str, ...] = ()  # a picklist's allowed values

    @property
    def api_name(self) -> str:
        return custom_api_name(self.label)


def custom_api_name(label: str) -> str:
    """`ModelName` -> `cf_model_name`: the Desk's api name of a custom field."""
    return "cf_" + re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


CUSTOM_FIELDS: dict[str, tuple[CustomField, ...]] = {
    "tickets": (
        CustomField("secondaryEmail", "Email"),
        CustomField("ModelName", "Picklist", (*MODEL_NAMES, "F3 Turbo")),  # more models than the seed's tickets name
        CustomField("severityPercentage", "Percent"),
        CustomField("phone", "Phone"),
        CustomField("numberOfItems", "Number"),
        CustomField("dateofPurchase", "Date"),
        CustomField("permanentAddress", "Textarea"),
        CustomField("url", "URL"),
    ),
    "contacts": (
        CustomField("permanentAddress", "Textarea"),
        CustomField("lastContactedOn", "Date"),
    ),
    "accounts": (CustomField("contactCount", "Number"),),
}
MAX_TEXT = {"Text": 255, "Email": 120, "Phone": 120, "URL": 255, "Textarea": 65535}
NUMBER_DIGITS = 9


def fields_of(module: str) -> tuple[CustomField, ...]:
    return CUSTOM_FIELDS.get(module, ())


def by_label(module: str) -> dict[str, CustomField]:
    return {field.label: field for field in fields_of(module)}


def by_api_name(module: str) -> dict[str, CustomField]:
    return {field.api_name: field for field in fields_of(module)}


def cf_view(module: str, custom_values: dict[str, Any] | None) -> dict[str, Any]:
    """The record's custom values keyed by api name (every field of the layout, null when unset)."""
    values = custom_values or {}
    return {field.api_name: values.get(field.label) for field in fields_of(module)}


class BadCustomValue(ValueError):
    """A custom value that does not fit its field's type."""


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadCustomValue()
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise BadCustomValue() from None
    if not number.is_finite():
        raise BadCustomValue()
    return number


def checked_value(field: CustomField, value: Any) -> str | None:
    """The value as the Desk stores it (text), or BadCustomValue. Null and "" clear the field."""
    if value is None or value == "":
        return None
    kind = field.kind
    if kind == "Picklist":
        if value not in field.values:
            raise BadCustomValue()
        return str(value)
    if kind == "Number":
        number = _decimal(value)
        if number != number.to_integral_value() or len(str(abs(int(number)))) > NUMBER_DIGITS:
            raise BadCustomValue()
        return str(int(number))
    if kind in ("Percent", "Decimal", "Currency"):
        number = _decimal(value)
        if kind == "Percent" and not 0 <= number <= 100:
            raise BadCustomValue()
        return str(float(number))
    if kind == "Boolean":
        if value not in (True, False, "true", "false"):
            raise BadCustomValue()
        return str(value).lower()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and kind in MAX_TEXT:
        value = str(value)  # a number in a text field is its digits
    if not isinstance(value, str):
        raise BadCustomValue()
    return _checked_text(kind, value.strip())


def _checked_text(kind: str, text: str) -> str:
    if kind == "Date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise BadCustomValue() from None
    if kind == "DateTime":
        try:
            return format_time(parse_time(text))
        except ValueError:
            raise BadCustomValue() from None
    if kind == "Email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise BadCustomValue()
    if kind == "URL" and not re.fullmatch(r"(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?", text, re.IGNORECASE):
        raise BadCustomValue()
    if len(text) > MAX_TEXT.get(kind, 255):
        raise BadCustomValue()
    return text


def read_custom_values(module: str, custom_fields: Any, cf: Any) -> tuple[dict[str, str | None], list[str]]:
    """The body's custom values (customFields by label, cf by api name) keyed by label, and the names of the bad
    ones as the Desk names them in an INVALID_DATA error ("customFields.ModelName", "cf.cf_model_name")."""
    values: dict[str, str | None] = {}
    bad: list[str] = []
    for source, given, index in (("customFields", custom_fields, by_label(module)), ("cf", cf, by_api_name(module))):
        if given is None:
            continue
        if not isinstance(given, dict):
            bad.append(source)
            continue
        for name, value in given.items():
            field = index.get(name)
            try:
                if field is None:
                    raise BadCustomValue()
                values[field.label] = checked_value(field, value)
            except BadCustomValue:
                bad.append(f"{source}.{name}")
    return values, bad
