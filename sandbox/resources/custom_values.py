"""Body fields for custom values: `customFields` (by label) and `cf` (by api name), each value checked against its
field's type (records/custom_fields.py). Both land in the record's customFields, keyed by label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.records.custom_fields import BadCustomValue, by_api_name, by_label, checked_value
from sandbox.resources.body_fields import BadValue, Field
from sandbox.state import Org

CF = "cf"
CUSTOM_FIELDS = "customFields"


@dataclass(frozen=True)
class CustomValues(Field):
    """customFields (or, with `api_names`, cf) of `module`: known fields only, each value valid for its type."""

    module: str = "tickets"
    api_names: bool = False

    def parse(self, org: Org, value: Any) -> dict[str, str | None]:
        if not isinstance(value, dict):
            raise BadValue()
        index = by_api_name(self.module) if self.api_names else by_label(self.module)
        values: dict[str, str | None] = {}
        for name, item in value.items():
            field = index.get(name)
            if field is None:
                raise BadValue()
            try:
                values[field.label] = checked_value(field, item)
            except BadCustomValue:
                raise BadValue() from None
        return values


def custom_value_fields(module: str) -> dict[str, Field]:
    return {CUSTOM_FIELDS: CustomValues(module=module), CF: CustomValues(module=module, api_names=True)}


def merge_cf(values: dict[str, Any]) -> dict[str, Any]:
    """Parsed body values with `cf` folded into `customFields` (cf wins where both name a field)."""
    if CF not in values:
        return values
    merged = {name: value for name, value in values.items() if name != CF}
    merged[CUSTOM_FIELDS] = {**(values.get(CUSTOM_FIELDS) or {}), **(values[CF] or {})}
    return merged
