"""The rule file schema: pydantic models with extra keys forbidden, exported as JSON Schema for editors.

A rule file is a mapping with `rules:` (a list of `Rule`), `calendars:` (name -> `CalendarSpec`),
`sla_policies:` (a list of `SlaPolicy`, schema_sla.py) and `lists:` (name -> strings). Conditions
(schema_conditions.py) and actions (schema_actions.py) are tagged unions chosen by their keys. The models only
check shape and self-contained values (cron, timezone, regex, durations); what needs the whole rule set
(calendars, templates, lints) is checked in `loader.py`, `planner.py` and `lint.py`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from croniter import croniter
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from worker.engine.calendars import CalendarSpec
from worker.engine.cronfields import cron_problem
from worker.engine.schema_actions import (
    ACTION_TYPES,
    ASSIGN_STRATEGIES,
    REPLY_FROM_DEPARTMENT,
    Action,
    AssignParams,
    CommentParams,
    MoveParams,
    ReplyParams,
    TaskParams,
    TimeEntryParams,
    UpdateParams,
    action_params,
    action_type,
)
from worker.engine.schema_conditions import (
    CASE_OPERATORS,
    CHANGE_OPERATORS,
    ELAPSED_OPERATORS,
    OPERATORS,
    VALUE_OPERATORS,
    AllCondition,
    AnyCondition,
    BusinessHoursCondition,
    ChangedByCondition,
    Condition,
    FieldCondition,
    ListRef,
    NotCondition,
)
from worker.engine.schema_outbound import NotifyTarget
from worker.engine.schema_routing import Shifts, Skills
from worker.engine.schema_sla import SlaPolicy
from worker.engine.schema_types import StrictModel, Text, invalid

EVENT_KINDS = (
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.agent_replied",
    "ticket.reopened",
    "ticket.commented",
)
SCHEDULE = "schedule"
EventKind = Literal[
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.agent_replied",
    "ticket.reopened",
    "ticket.commented",
]
DEFAULT_MAX_FIRES_PER_HOUR = 3
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

__all__ = [  # this module is the schema's one import point; the condition and action parts live beside it
    "ACTION_TYPES",
    "ASSIGN_STRATEGIES",
    "CASE_OPERATORS",
    "CHANGE_OPERATORS",
    "DEFAULT_MAX_FIRES_PER_HOUR",
    "ELAPSED_OPERATORS",
    "EVENT_KINDS",
    "OPERATORS",
    "REPLY_FROM_DEPARTMENT",
    "SCHEDULE",
    "VALUE_OPERATORS",
    "Action",
    "AllCondition",
    "AnyCondition",
    "AssignParams",
    "BusinessHoursCondition",
    "ChangedByCondition",
    "CommentParams",
    "Condition",
    "EventKind",
    "FieldCondition",
    "ListRef",
    "MoveParams",
    "NotCondition",
    "Once",
    "OncePerAnchor",
    "ReplyParams",
    "Rule",
    "RuleFile",
    "RuleFileEnvelope",
    "ScheduleSpec",
    "ScheduleTrigger",
    "SlaPolicy",
    "StrictModel",
    "TaskParams",
    "TimeEntryParams",
    "Trigger",
    "UpdateParams",
    "action_params",
    "action_type",
    "invalid",
    "json_schema",
]


class ScheduleSpec(StrictModel):
    cron: str = Field(description="a cron expression, e.g. '*/5 * * * *'")
    timezone: str = Field("UTC", description="the IANA timezone the cron expression is read in")
    only_when_open: str | None = Field(
        None, description="a calendar: ticks when it is closed (nights, weekends, holidays) are skipped, not queued"
    )

    @field_validator("cron")
    @classmethod
    def _check_cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise invalid(cron_problem(value))
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (KeyError, ValueError):
            raise invalid(f"unknown timezone {value!r}: expected an IANA name like Europe/Berlin") from None
        return value


class ScheduleTrigger(StrictModel):
    schedule: ScheduleSpec


Trigger = Annotated[
    Annotated[EventKind, Tag("event")] | Annotated[ScheduleTrigger, Tag("schedule")],
    Discriminator(
        lambda value: (
            "event" if isinstance(value, str) else "schedule" if isinstance(value, (dict, BaseModel)) else None
        ),
        custom_error_type="trigger_shape",
        custom_error_message=f"expected an event kind ({', '.join(EVENT_KINDS)}) or {{schedule: {{cron: ...}}}}",
    ),
]
Triggers = Annotated[
    Annotated[Trigger, Tag("one")] | Annotated[list[Trigger], Tag("many")],
    Discriminator(lambda value: "many" if isinstance(value, (list, tuple)) else "one"),
]


# --------------------------------------------------------------------------------------------------- rules
class OncePerAnchor(StrictModel):
    per_anchor: str = Field(min_length=1, description="re-arm when this ticket field's value changes")


Once = Annotated[
    Annotated[Literal["per_ticket"], Tag("per_ticket")] | Annotated[OncePerAnchor, Tag("per_anchor")],
    Discriminator(lambda value: "per_ticket" if isinstance(value, str) else "per_anchor"),
]


class Rule(StrictModel):
    """One rule: when (`on`), whether (`if`), what (`then`), and how it behaves (the control keys)."""

    id: str = Field(description="stable id: all state is keyed by it; letters, digits, '-', '_', '.'")
    name: str = ""
    description: str = ""
    on: Triggers
    if_: Condition | None = Field(None, alias="if")
    then: list[Action] = Field(min_length=1)
    order: int = Field(0, description="rules run by order (default 0), then file path, then position")
    stop: bool = Field(False, description="when this rule fires, later rules are not evaluated for the event")
    enabled: bool = True
    dry_run: bool = Field(False, description="shadow mode: plans are recorded, never executed")
    on_action_failure: Literal["stop", "continue"] = Field(
        "stop", description="when an action fails for good: stop (the rule's later actions are skipped) or continue"
    )
    retrigger: bool = Field(False, description="also react to changes deskpilot itself made")
    max_fires_per_ticket_per_hour: int = Field(DEFAULT_MAX_FIRES_PER_HOUR, ge=1, le=1000)
    once: Once | None = Field(None, description="per_ticket, or {per_anchor: FIELD} to re-arm on a new value")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _RULE_ID.fullmatch(value):
            raise invalid(
                f"invalid rule id {value!r}: expected letters, digits, '-', '_' and '.', "
                "starting with a letter or digit"
            )
        return value

    @field_validator("on")
    @classmethod
    def _check_triggers(cls, value: Any) -> Any:
        triggers = value if isinstance(value, list) else [value]
        schedules = [trigger for trigger in triggers if isinstance(trigger, ScheduleTrigger)]
        if len(schedules) > 1:
            raise invalid("a rule has at most one schedule; write one rule per schedule")
        if schedules and len(triggers) > 1:
            raise invalid("a rule listens either to ticket events or to a schedule, not both")
        if not triggers:
            raise invalid("expected at least one trigger")
        return triggers

    @property
    def triggers(self) -> list[str | ScheduleTrigger]:
        return list(self.on) if isinstance(self.on, list) else [self.on]

    @property
    def schedule(self) -> ScheduleSpec | None:
        return next((t.schedule for t in self.triggers if isinstance(t, ScheduleTrigger)), None)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(SCHEDULE if isinstance(t, ScheduleTrigger) else t for t in self.triggers)


class RuleFile(StrictModel):
    """A rule file: `rules`, the `calendars` they count business time in (names unique across files) and
    `sla_policies` (the first that applies to a ticket governs its SLA clocks)."""

    model_config = ConfigDict(title="deskpilot rule file")

    rules: list[Rule] = []
    calendars: dict[str, CalendarSpec] = {}
    sla_policies: list[SlaPolicy] = []
    lists: dict[str, list[Text]] = Field(
        {}, description="shared lists (name -> strings) that conditions name as {list: NAME}; names unique across files"
    )
    notify_targets: dict[str, NotifyTarget] = Field(
        {}, description="webhook receivers (name -> url or url_env, secret_env, format) that notify actions name"
    )
    skills: Skills = Field({}, description="agent email or id -> the skills they hold (assign strategies' skills:)")
    shifts: Shifts = Field({}, description="agent email or id, or team name -> the calendar of their working hours")


class RuleFileEnvelope(StrictModel):
    """The top level only; each rule, calendar and policy is validated on its own so every problem is reported."""

    rules: list[Any] = []
    calendars: dict[str, Any] = {}
    sla_policies: list[Any] = []
    lists: dict[str, list[Text]] = {}
    notify_targets: dict[str, Any] = {}
    skills: dict[str, Any] = {}
    shifts: dict[str, Any] = {}


for _model in (Rule, RuleFile):
    _model.model_rebuild()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of rule files, for editors (yaml-language-server: `# yaml-language-server: $schema=...`)."""
    schema = RuleFile.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
