"""Building blocks of the rule schema: the strict base model, custom errors, and the value types rules use."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from worker.engine.durations import parse_duration
from worker.engine.values import type_name

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def invalid(reason: str, error_type: str = "invalid_value") -> PydanticCustomError:
    """A validation error whose message is exactly `reason` (braces in it are safe)."""
    return PydanticCustomError(error_type, "{reason}", {"reason": reason})


class StrictModel(BaseModel):
    """Every schema model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise invalid(f"expected a string, number, true/false or null, got {type_name(value)}", "scalar_type")


def _text(value: Any) -> Any:
    """Numbers written bare in YAML are fine where text is expected (`contains: 404`)."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


Scalar = Annotated[Any, AfterValidator(_scalar), WithJsonSchema({"type": ["string", "number", "boolean", "null"]})]
Text = Annotated[str, BeforeValidator(_text)]


def _duration(value: str, *, positive: bool = True) -> str:
    try:
        delta = parse_duration(value)
    except ValueError as exc:
        raise invalid(str(exc)) from None
    if positive and delta.total_seconds() <= 0:
        raise invalid(f"expected a positive duration like 30m, 4h or 2d, got {value!r}")
    return value


Duration = Annotated[Text, AfterValidator(_duration)]


def _agent_ref(value: str) -> str:
    if value.isdigit() or EMAIL.fullmatch(value):
        return value
    raise invalid(f"expected an agent id (digits) or email address, got {value!r}")


AgentRef = Annotated[Text, AfterValidator(_agent_ref)]
