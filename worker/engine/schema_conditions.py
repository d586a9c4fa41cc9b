"""The condition part of the rule schema: field tests and the all / any / not combinators.

A condition is `{all: [...]}`, `{any: [...]}`, `{not: {...}}`, `{business_hours: {calendar: NAME, is: open}}` or
a field test `{field: PATH, OPERATOR: VALUE}` with exactly one operator (and optionally `ignore_case` for string
operators, `calendar` for elapsed time). `in`, `not_in`, `contains_any` and `matches_any` take a list or
`{list: NAME}`, a shared list from the top-level `lists:` (resolved at load: lists.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, field_validator, model_validator

from worker.engine.changed_by import value_problem as changed_by_problem
from worker.engine.durations import parse_duration
from worker.engine.patterns import PatternError, compile_pattern
from worker.engine.schema_types import Duration, Scalar, StrictModel, Text, invalid
from worker.engine.values import parse_bound

VALUE_OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "contains_any",
    "matches_any",
    "exists",
    "is_empty",
    "gt",
    "gte",
    "lt",
    "lte",
)
CHANGE_OPERATORS = ("changed", "changed_to", "changed_from", "not_changed")
ELAPSED_OPERATORS = ("older_than", "newer_than")
OPERATORS = VALUE_OPERATORS + CHANGE_OPERATORS + ELAPSED_OPERATORS
CASE_OPERATORS = frozenset(
    (
        "equals",
        "not_equals",
        "in",
        "not_in",
        "contains",
        "starts_with",
        "ends_with",
        "matches",
        "contains_any",
        "matches_any",
        "changed_to",
        "changed_from",
    )
)


class ListRef(StrictModel):
    """A shared list by name, from the top-level `lists:` of the rule files: `in: {list: vip_accounts}`."""

    list_: str = Field(alias="list", min_length=1, description="the name of a list under the top-level lists:")


Items = list[Scalar] | ListRef
Texts = list[Text] | ListRef


class FieldCondition(StrictModel):
    """A test of one ticket field: `{field: priority, in: [High, Urgent]}`; exactly one operator."""

    field: str = Field(min_length=1, description="path into the ticket, e.g. contact.account.accountName")
    equals: Scalar = None
    not_equals: Scalar = None
    in_: Items | None = Field(None, alias="in")
    not_in: Items | None = None
    contains: Text | None = None
    starts_with: Text | None = None
    ends_with: Text | None = None
    matches: str | None = Field(None, description="a regular expression (RE2 syntax), searched anywhere in the value")
    contains_any: Texts | None = Field(None, description="the value contains one of these texts")
    matches_any: Texts | None = Field(None, description="the value matches one of these RE2 patterns")
    exists: bool | None = None
    is_empty: bool | None = None
    gt: Scalar = None
    gte: Scalar = None
    lt: Scalar = None
    lte: Scalar = None
    changed: bool | None = None
    not_changed: bool | None = None
    changed_to: Scalar = None
    changed_from: Scalar = None
    older_than: Duration | None = Field(None, description="time since the field's time is at least this")
    newer_than: Duration | None = Field(None, description="time since the field's time is less than this")
    ignore_case: bool = False
    calendar: str | None = Field(None, description="count elapsed time in this calendar's business hours")

    @property
    def operator(self) -> str:
        return next(op for op in OPERATORS if _field_name(op) in self.model_fields_set)

    @property
    def value(self) -> Any:
        return getattr(self, _field_name(self.operator))

    @field_validator("matches")
    @classmethod
    def _check_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                compile_pattern(value)
            except PatternError as exc:
                raise invalid(str(exc)) from None
        return value

    @field_validator("matches_any")
    @classmethod
    def _check_regexes(cls, value: Texts | None) -> Texts | None:
        for pattern in value if isinstance(value, list) else ():
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                raise invalid(str(exc)) from None
        return value

    @field_validator("gt", "gte", "lt", "lte")
    @classmethod
    def _check_bound(cls, value: Any) -> Any:
        try:
            parse_bound(value, parse_duration)
        except ValueError as exc:
            raise invalid(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _one_operator(self) -> FieldCondition:
        given = [op for op in OPERATORS if _field_name(op) in self.model_fields_set]
        if not given:
            raise invalid(f"condition on {self.field!r} has no operator; expected one of {', '.join(OPERATORS)}")
        if len(given) > 1:
            raise invalid(
                f"condition on {self.field!r} has {len(given)} operators ({', '.join(given)}); "
                "give one per condition and combine conditions with all/any"
            )
        if self.ignore_case and given[0] not in CASE_OPERATORS:
            raise invalid(
                f"ignore_case applies to string operators ({', '.join(sorted(CASE_OPERATORS))}), not to {given[0]}"
            )
        if self.calendar is not None and given[0] not in ELAPSED_OPERATORS:
            raise invalid(f"calendar applies to older_than/newer_than, not to {given[0]}")
        return self


def _field_name(operator: str) -> str:
    return "in_" if operator == "in" else operator


class AllCondition(StrictModel):
    """Every sub-condition holds."""

    all: list[Condition] = Field(min_length=1)


class AnyCondition(StrictModel):
    """At least one sub-condition holds."""

    any: list[Condition] = Field(min_length=1)


class NotCondition(StrictModel):
    """The sub-condition does not hold."""

    not_: Condition = Field(alias="not")


class ChangedByCondition(StrictModel):
    """Who made the event's change (engine/changed_by.py says what each value rests on); a list matches any."""

    changed_by: str | list[str] = Field(
        description="customer, agent, agent:<email or id>, team:<name>, automation, deskpilot or unknown"
    )

    @field_validator("changed_by")
    @classmethod
    def _check_values(cls, value: str | list[str]) -> str | list[str]:
        for item in [value] if isinstance(value, str) else value:
            problem = changed_by_problem(item)
            if problem is not None:
                raise invalid(problem)
        if not value:
            raise invalid("changed_by: expected a value or a non-empty list")
        return value

    @property
    def values(self) -> list[str]:
        return [self.changed_by] if isinstance(self.changed_by, str) else list(self.changed_by)


def _is_changed_by(value: Any) -> bool:
    return isinstance(value, ChangedByCondition) or (isinstance(value, dict) and "changed_by" in value)


class BusinessHours(StrictModel):
    calendar: str = Field(min_length=1, description="a calendar defined under calendars:")
    is_: Literal["open", "closed"] = Field("open", alias="is", description="open (the default) or closed")


class BusinessHoursCondition(StrictModel):
    """The calendar is open (or closed) at the event's time; in a time rule, at the tick."""

    business_hours: BusinessHours


_COMBINATORS = ("all", "any", "not", "business_hours")
CONDITION_SHAPE = (
    "expected a condition: {all: [...]}, {any: [...]}, {not: {...}}, {business_hours: {calendar: NAME}} "
    "or {field: PATH, OPERATOR: VALUE}"
)


def _condition_tag(value: Any) -> str | None:
    if _is_changed_by(value):
        return "changed_by"
    if isinstance(value, dict):
        keys = [key for key in (*_COMBINATORS, "field") if key in value]
        if len(keys) > 1:
            return None
        return keys[0] if keys and keys[0] != "field" else "field"
    if isinstance(value, BaseModel):
        tags: dict[type[BaseModel], str] = {
            AllCondition: "all",
            AnyCondition: "any",
            NotCondition: "not",
            BusinessHoursCondition: "business_hours",
        }
        return tags.get(type(value), "field")
    return None


Condition = Annotated[
    Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")]
    | Annotated[BusinessHoursCondition, Tag("business_hours")]
    | Annotated[ChangedByCondition, Tag("changed_by")]
    | Annotated[FieldCondition, Tag("field")],
    Discriminator(_condition_tag, custom_error_type="condition_shape", custom_error_message=CONDITION_SHAPE),
]


for _model in (AllCondition, AnyCondition, NotCondition):
    _model.model_rebuild()
