"""The SLA part of the rule schema: the `sla_policies:` list of a rule file (pydantic, extra keys forbidden).

    sla_policies:
      - id: support-sla                       # stable id: fired levels are keyed by it
        name: Support, Berlin business hours
        if: {field: department.name, equals: Support}   # which tickets (omit: every ticket)
        calendar: support                      # business hours; omit for 24x7
        pause_statuses: [On Hold]              # time in these statuses does not count (default [On Hold])
        closed_statuses: [Closed]              # what "closed" means for the clocks (default [Closed])
        metrics:
          first_response:                      # a preset: start and stop are implied (see PRESETS)
            targets: {Urgent: 1h, High: 4h, default: 8h}
            escalations:
              - {at: -30m, name: warning, then: [...]}   # actions, exactly as in rules
              - {at: 0, name: breach, then: [...]}
              - {at: +2h, then: [...]}
          waiting-on-approval:                 # a custom metric: start and stop given
            start: {field: customFields.approvalRequested}
            stop: [closed, {field: customFields.approved, equals: true}]
            targets: {default: 16h}

Targets and offsets are business time in the policy's calendar: with 09:00-17:00 hours, 8h is one working day; a
target in days counts working days (business_days.py), an offset in days 24 business hours each. Offsets are
signed: before (-), at (0) or after (+) the breach.

The models check shape and self-contained values (durations, offsets, start and stop kinds). What needs the
whole rule set or a position at a key (unknown metric or priority names, unknown calendars, offsets in order,
templates) is checked when the policy is compiled (sla/policy.py); the clocks are in sla/clocks.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Discriminator, Field, Tag, WithJsonSchema, field_validator

from worker.engine.durations import parse_duration
from worker.engine.schema_actions import Action
from worker.engine.schema_conditions import Condition
from worker.engine.schema_types import Duration, StrictModel, Text, invalid

START_KINDS = ("created", "reopened", "customer_message", "customer_reply")
STOP_KINDS = ("agent_response", "closed")
# The three metrics every vendor has, as start/stop presets (a preset's start or stop may still be overridden).
PRESETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "first_response": (("created",), ("agent_response", "closed")),
    "next_response": (("customer_reply",), ("agent_response", "closed")),
    "resolution": (("created", "reopened"), ("closed",)),
}
PRIORITIES = ("Urgent", "High", "Medium", "Low")  # the Desk's priorities
DEFAULT_TARGET = "default"
DEFAULT_PAUSE_STATUSES = ("On Hold",)
DEFAULT_CLOSED_STATUSES = ("Closed",)
_POLICY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # as rule ids
_START_HELP = f"expected {', '.join(START_KINDS)} or {{field: PATH}} (a time field)"
_STOP_HELP = f"expected {', '.join(STOP_KINDS)} or a condition like {{field: status, equals: Resolved}}"


def _start_kind(value: str) -> str:
    if value not in START_KINDS:
        raise invalid(f"unknown clock start {value!r}; {_START_HELP}")
    return value


def _stop_kind(value: str) -> str:
    if value not in STOP_KINDS:
        raise invalid(f"unknown clock stop {value!r}; {_STOP_HELP}")
    return value


def _offset(value: str) -> str:
    try:
        parse_duration(value)
    except ValueError:
        raise invalid(
            f"invalid offset {value!r}: expected a signed duration like -30m (before the breach), "
            "0 (at it) or +2h (after it)"
        ) from None
    return value


Offset = Annotated[Text, AfterValidator(_offset)]


class FieldStart(StrictModel):
    """The clock starts at the time held in a ticket field (e.g. customFields.approvalRequested)."""

    field: str = Field(min_length=1, description="path of a time field of the ticket")


def _tag_of(value: Any, kind_tag: str, mapping_tag: str) -> str | None:
    if isinstance(value, str):
        return kind_tag
    if isinstance(value, (dict, BaseModel)):
        return mapping_tag
    return None


StartKind = Annotated[str, AfterValidator(_start_kind), WithJsonSchema({"enum": list(START_KINDS)})]
StopKind = Annotated[str, AfterValidator(_stop_kind), WithJsonSchema({"enum": list(STOP_KINDS)})]
StartItem = Annotated[
    Annotated[StartKind, Tag("kind")] | Annotated[FieldStart, Tag("field")],
    Discriminator(
        lambda value: _tag_of(value, "kind", "field"), custom_error_type="start_shape", custom_error_message=_START_HELP
    ),
]
StopItem = Annotated[
    Annotated[StopKind, Tag("kind")] | Annotated[Condition, Tag("condition")],
    Discriminator(
        lambda value: _tag_of(value, "kind", "condition"),
        custom_error_type="stop_shape",
        custom_error_message=_STOP_HELP,
    ),
]
StartSpec = Annotated[
    Annotated[StartItem, Tag("one")] | Annotated[list[StartItem], Tag("many")],
    Discriminator(lambda value: "many" if isinstance(value, (list, tuple)) else "one"),
]
StopSpec = Annotated[
    Annotated[StopItem, Tag("one")] | Annotated[list[StopItem], Tag("many")],
    Discriminator(lambda value: "many" if isinstance(value, (list, tuple)) else "one"),
]


class Escalation(StrictModel):
    """One escalation level: actions at an offset from the breach instant, in the policy's business time."""

    at: Offset = Field(description="offset from the breach: -30m (a warning), 0 (at the breach), +2h (after it)")
    name: str = Field("", description="a label for explanations and forecasts (warning, breach, level 2...)")
    then: list[Action] = Field(min_length=1)


class MetricSpec(StrictModel):
    """One clock of a policy: when it starts and stops, its targets by priority and its escalation levels."""

    start: StartSpec | None = Field(
        None,
        description="default: the preset's (first_response: created; "
        "next_response: customer_reply; resolution: [created, reopened])",
    )
    stop: StopSpec | None = Field(
        None,
        description="default: the preset's (first_response, next_response: "
        "[agent_response, closed]; resolution: closed)",
    )
    targets: dict[str, Duration] = Field(
        min_length=1, description="priority (Urgent, High, Medium, Low) or default -> business time allowed"
    )
    pause_statuses: list[str] | None = Field(None, description="default: the policy's pause_statuses")
    escalations: list[Escalation] = []

    @property
    def start_items(self) -> list[Any]:
        return [] if self.start is None else list(self.start) if isinstance(self.start, list) else [self.start]

    @property
    def stop_items(self) -> list[Any]:
        return [] if self.stop is None else list(self.stop) if isinstance(self.stop, list) else [self.stop]


class SlaPolicy(StrictModel):
    """An SLA policy: the tickets it governs (the first enabled policy whose `if` holds) and its clocks."""

    id: str = Field(description="stable id: fired levels are keyed by it; unique among rules and policies")
    name: str = ""
    description: str = ""
    if_: Condition | None = Field(None, alias="if", description="the tickets it applies to (default: all)")
    calendar: str | None = Field(None, description="count time in this calendar's business hours (default 24x7)")
    pause_statuses: list[str] = Field(list(DEFAULT_PAUSE_STATUSES), description="time in these statuses does not count")
    closed_statuses: list[str] = Field(list(DEFAULT_CLOSED_STATUSES), description="statuses that mean closed")
    metrics: dict[str, MetricSpec] = Field(
        min_length=1, description="first_response, next_response, resolution or a custom metric with start and stop"
    )
    enabled: bool = True
    dry_run: bool = Field(False, description="shadow mode: levels are planned and recorded, never executed")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _POLICY_ID.fullmatch(value):
            raise invalid(
                f"invalid policy id {value!r}: expected letters, digits, '-', '_' and '.', "
                "starting with a letter or digit"
            )
        return value


for _model in (MetricSpec, SlaPolicy):
    _model.model_rebuild()
