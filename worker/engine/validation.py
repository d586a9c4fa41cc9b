"""Validate plain YAML data against a schema model and report each pydantic error as a `Problem` at its node.

Pydantic's error `loc` mixes real keys with the tags of discriminated unions (`('if', 'all', 'all', 0, 'field',
'equal')`: the first 'all' and the 'field' are union tags). `resolve_loc` walks the loc alongside the model types,
so it knows which parts are tags (skipped for positions) and which model an unknown key was found in (to list
the keys that model expects). `message_for` words each error type so it says what was expected.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, Tag, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from worker.engine.errors import Problem
from worker.engine.schema import ACTION_TYPES, EVENT_KINDS, OPERATORS, FieldCondition
from worker.engine.values import type_name
from worker.engine.yamlsource import Locator, Path

_TYPE_EXPECTATIONS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date like 2026-12-25",
    "date_parsing": "a date like 2026-12-25",
    "date_from_datetime_parsing": "a date like 2026-12-25",
    "datetime_type": "a time like 2026-11-28T10:00:00Z",
    "datetime_parsing": "a time like 2026-11-28T10:00:00Z",
    "datetime_from_date_parsing": "a time like 2026-11-28T10:00:00Z",
}


@dataclass(frozen=True)
class Resolved:
    """Where a loc points: the YAML path, the model the last key belongs to, and the last union tag passed."""

    path: Path
    model: type[BaseModel] | None
    dict_key: bool
    last_tag: str | None


def validate(model: Any, data: Any, locator: Locator, prefix: Path = ()) -> tuple[Any, list[Problem]]:
    """`model` validated from `data` (found at `prefix` in the file), or None and one Problem per error."""
    try:
        return _adapter(model).validate_python(data), []
    except ValidationError as exc:
        problems = [problem_for(error, model, locator, prefix) for error in exc.errors()]
        return None, sorted(set(problems))


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def problem_for(error: ErrorDetails, model: Any, locator: Locator, prefix: Path = ()) -> Problem:
    resolved = resolve_loc(model, tuple(error["loc"]))
    message, at_key = message_for(error, resolved)
    return locator.problem(prefix + resolved.path, message, at_key=at_key)


def message_for(error: ErrorDetails, resolved: Resolved) -> tuple[str, bool]:
    """The message for one pydantic error, and whether it points at a key rather than a value."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"missing required key {error['loc'][-1]!r}", False
    if kind == "extra_forbidden":
        return _unknown_key(str(error["loc"][-1]), resolved.model), True
    if kind == "action_shape" and isinstance(value, dict) and len(value) == 1:
        return f"unknown action {next(iter(value))!r}; expected one of {', '.join(ACTION_TYPES)}", True
    if resolved.dict_key:
        expected = f"; expected {ctx['expected']}" if "expected" in ctx else f": {_lower_first(error['msg'])}"
        return f"unknown key {value!r}{expected}", True
    if kind == "literal_error" and resolved.last_tag == "event":
        return f"unknown event kind {value!r}; expected one of {', '.join(EVENT_KINDS)} or {{schedule: ...}}", False
    if kind == "literal_error" and resolved.last_tag == "per_ticket":
        return f"unexpected value {value!r}; expected per_ticket or {{per_anchor: FIELD}}", False
    if kind == "literal_error":
        return f"unexpected value {value!r}; expected {ctx.get('expected', '')}", False
    if kind in _TYPE_EXPECTATIONS and kind.endswith("_parsing"):
        return f"expected {_TYPE_EXPECTATIONS[kind]}, got {value!r}", False
    if kind in _TYPE_EXPECTATIONS:
        return f"expected {_TYPE_EXPECTATIONS[kind]}, got {type_name(value)}", False
    if kind in ("too_short", "string_too_short"):
        return _too_short(kind, ctx), False
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"expected a number {_BOUNDS[kind]} {next(iter(ctx.values()))}, got {value!r}", False
    if "reason" in ctx:
        return str(ctx["reason"]), False
    return _lower_first(error["msg"].removeprefix("Value error, ")), False


_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}


def _too_short(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "string_too_short":
        return "expected a non-empty string"
    count = ctx.get("min_length", 1)
    return f"expected at least {count} item{'s' if count != 1 else ''}"


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    if model is FieldCondition:
        return f"unknown operator {key!r}; expected one of {', '.join(OPERATORS)}"
    if model is None:
        return f"unknown key {key!r}"
    expected = [field.alias or name for name, field in model.model_fields.items()]
    return f"unknown key {key!r}; expected one of {', '.join(expected)}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def resolve_loc(model: Any, loc: tuple[Any, ...]) -> Resolved:
    """Walk `loc` through the types from `model` down (see the module docstring)."""
    path: list[Any] = []
    current, owner, last_tag, dict_key = model, None, None, False
    for part in loc:
        if part == "[key]":  # pydantic's marker: the dict key just passed is what failed
            dict_key = True
            continue
        shape, payload = _shape(current)
        if shape == "tagged":
            member = _member_for_tag(payload, part)
            if member is not None:
                current, last_tag = member, part
                continue
            current = Any
        elif shape == "model":
            owner = payload
            field = _field(payload, part)
            current = _field_type(field) if field is not None else Any
        elif shape == "list" or shape == "dict":
            current = payload
        else:
            current = Any
        path.append(part)
    return Resolved(tuple(path), owner, dict_key, last_tag)


def _shape(tp: Any) -> tuple[str, Any]:
    """Classify a type: tagged union, model, list, dict or other; Optional and plain Annotated are unwrapped."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            base, *meta = get_args(tp)
            if any(isinstance(item, Discriminator) for item in meta):
                return "tagged", base
            tp = base
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(members) != 1:
                return "other", None
            tp = members[0]
        elif origin in (list, tuple):
            return "list", (get_args(tp) or (Any,))[0]
        elif origin is dict:
            return "dict", (get_args(tp) or (Any, Any))[1]
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            return "model", tp
        else:
            return "other", None


def _member_for_tag(union: Any, tag: Any) -> Any:
    for member in get_args(union):
        if get_origin(member) is not Annotated:
            continue
        base, *meta = get_args(member)
        if any(isinstance(item, Tag) and item.tag == tag for item in meta):
            rest = [item for item in meta if not isinstance(item, Tag)]
            return Annotated[(base, *rest)] if rest else base
    return None


def _field(model: type[BaseModel], part: Any) -> Any:
    for name, field in model.model_fields.items():
        if part in (name, field.alias):
            return field
    return None


def _field_type(field: Any) -> Any:
    meta = list(field.metadata)
    if field.discriminator is not None and not any(isinstance(item, Discriminator) for item in meta):
        meta.append(
            field.discriminator
            if isinstance(field.discriminator, Discriminator)
            else Discriminator(field.discriminator)
        )
    return Annotated[(field.annotation, *meta)] if meta else field.annotation
