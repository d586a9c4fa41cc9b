"""The rule file schema: pydantic models with extra keys forbidden, exported as JSON Schema for editors.

A rule file is a mapping with `rules:` (a list of `Rule`) and `calendars:` (name -> `CalendarSpec`). Conditions
and actions are tagged unions chosen by their keys: a condition is `{all: [...]}`, `{any: [...]}`,
`{not: {...}}` or a field test `{field: PATH, OPERATOR: VALUE}`; an action is a one-key mapping whose key is the
action type (`- move: {department: Tier 2}`). The models only check shape and self-contained values (cron,
timezone, regex, durations); what needs the whole rule set (calendars, templates, lints) is checked in
`compiler.py` and `lint.py`.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, Union
from zoneinfo import ZoneInfo

from croniter import croniter
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from worker.engine.calendars import CalendarSpec
from worker.engine.durations import parse_duration
from worker.engine.values import parse_bound, type_name

EVENT_KINDS = ("ticket.created", "ticket.updated", "ticket.replied", "ticket.commented")
SCHEDULE = "schedule"
EventKind = Literal["ticket.created", "ticket.updated", "ticket.replied", "ticket.commented"]

VALUE_OPERATORS = (
    "equals", "not_equals", "in", "not_in", "contains", "starts_with", "ends_with", "matches",
    "exists", "is_empty", "gt", "gte", "lt", "lte",
)
CHANGE_OPERATORS = ("changed", "changed_to", "changed_from", "not_changed")
ELAPSED_OPERATORS = ("older_than", "newer_than")
OPERATORS = VALUE_OPERATORS + CHANGE_OPERATORS + ELAPSED_OPERATORS
CASE_OPERATORS = frozenset(
    ("equals", "not_equals", "in", "not_in", "contains", "starts_with", "ends_with", "matches",
     "changed_to", "changed_from")
)
ACTION_TYPES = ("update", "assign", "move", "comment", "time_entry", "task", "reply", "mark_spam")
ASSIGN_STRATEGIES = ("round_robin", "least_loaded")
DEFAULT_MAX_FIRES_PER_HOUR = 3
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


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
    if value.isdigit() or _EMAIL.fullmatch(value):
        return value
    raise invalid(f"expected an agent id (digits) or email address, got {value!r}")


AgentRef = Annotated[Text, AfterValidator(_agent_ref)]


# ---------------------------------------------------------------------------------------------- conditions
class FieldCondition(StrictModel):
    """A test of one ticket field: `{field: priority, in: [High, Urgent]}`; exactly one operator."""

    field: str = Field(min_length=1, description="path into the ticket, e.g. contact.account.accountName")
    equals: Scalar = None
    not_equals: Scalar = None
    in_: list[Scalar] | None = Field(None, alias="in")
    not_in: list[Scalar] | None = None
    contains: Text | None = None
    starts_with: Text | None = None
    ends_with: Text | None = None
    matches: str | None = Field(None, description="a Python regular expression, searched anywhere in the value")
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
                re.compile(value)
            except re.error as exc:
                raise invalid(f"invalid regular expression {value!r}: {exc}") from None
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
            raise invalid(f"condition on {self.field!r} has {len(given)} operators ({', '.join(given)}); "
                          "give one per condition and combine conditions with all/any")
        if self.ignore_case and given[0] not in CASE_OPERATORS:
            raise invalid(f"ignore_case applies to string operators ({', '.join(sorted(CASE_OPERATORS))}), "
                          f"not to {given[0]}")
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


_COMBINATORS = ("all", "any", "not")
CONDITION_SHAPE = ("expected a condition: {all: [...]}, {any: [...]}, {not: {...}} "
                   "or {field: PATH, OPERATOR: VALUE}")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        keys = [key for key in (*_COMBINATORS, "field") if key in value]
        if len(keys) > 1:
            return None
        return keys[0] if keys and keys[0] != "field" else "field"
    if isinstance(value, BaseModel):
        return {AllCondition: "all", AnyCondition: "any", NotCondition: "not"}.get(type(value), "field")
    return None


Condition = Annotated[
    Union[
        Annotated[AllCondition, Tag("all")],
        Annotated[AnyCondition, Tag("any")],
        Annotated[NotCondition, Tag("not")],
        Annotated[FieldCondition, Tag("field")],
    ],
    Discriminator(_condition_tag, custom_error_type="condition_shape", custom_error_message=CONDITION_SHAPE),
]


# ------------------------------------------------------------------------------------------------- actions
class UpdateParams(StrictModel):
    """Ticket fields to set; strings may be templates. Clear a field with null."""

    subject: Scalar = None
    status: Scalar = None
    priority: Scalar = None
    category: Scalar = None
    subCategory: Scalar = None
    classification: Scalar = None
    channel: Scalar = None
    language: Scalar = None
    dueDate: Scalar = None
    responseDueDate: Scalar = None
    email: Scalar = None
    phone: Scalar = None
    description: Scalar = None
    resolution: Scalar = None
    productId: Scalar = None
    contactId: Scalar = None
    customFields: dict[str, Scalar] | None = None
    cf: dict[str, Scalar] | None = None

    _REDIRECTS: ClassVar[dict[str, str]] = {"departmentId": "move", "assigneeId": "assign"}

    @model_validator(mode="before")
    @classmethod
    def _redirect(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, action in cls._REDIRECTS.items():
                if key in data:
                    raise invalid(f"update cannot set {key}; use the {action} action")
        return data

    @model_validator(mode="after")
    def _not_empty(self) -> UpdateParams:
        if not self.model_fields_set:
            raise invalid(f"update sets no field; expected one or more of {', '.join(UpdateParams.model_fields)}")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields this update sets, in declaration order (custom fields as mappings)."""
        return {name: getattr(self, name) for name in type(self).model_fields if name in self.model_fields_set}


class AssignParams(StrictModel):
    """Assign to one agent (`agent`: id or email) or by a `strategy` within a department."""

    agent: AgentRef | None = None
    strategy: Literal["round_robin", "least_loaded"] | None = None
    department: Text | None = Field(None, description="department name or id; default: the ticket's department")
    max_open_tickets: int | None = Field(None, ge=1, description="skip agents with at least this many open tickets")

    @model_validator(mode="after")
    def _agent_or_strategy(self) -> AssignParams:
        if (self.agent is None) == (self.strategy is None):
            raise invalid("assign takes either agent (an id or email) or strategy (round_robin or least_loaded)")
        if self.agent is not None and (self.department is not None or self.max_open_tickets is not None):
            raise invalid("department and max_open_tickets go with a strategy, not with agent")
        return self


class MoveParams(StrictModel):
    department: Text = Field(min_length=1, description="department name or id")


class CommentParams(StrictModel):
    text: str = Field(min_length=1, description="a template; mention(agent) writes an @mention")
    public: bool = Field(False, description="public comments are visible to the customer; default private")


class TimeEntryParams(StrictModel):
    duration: Duration = Field(description="time spent, e.g. 15m or 1h30m")
    description: str | None = None
    owner: AgentRef | None = None
    billable: bool | None = None
    charge_type: Text | None = Field(None, description="the Desk's requestChargeType")


class TaskParams(StrictModel):
    subject: str = Field(min_length=1)
    description: str | None = None
    due_in: Duration | None = Field(None, description="due this long after now")
    calendar: str | None = Field(None, description="count due_in in this calendar's business hours")
    owner: AgentRef | None = None
    priority: Text | None = None
    status: Text | None = None
    category: Text | None = None

    @model_validator(mode="after")
    def _calendar_needs_due(self) -> TaskParams:
        if self.calendar is not None and self.due_in is None:
            raise invalid("calendar applies to due_in; give due_in too")
        return self


REPLY_FROM_DEPARTMENT = "department"


class ReplyParams(StrictModel):
    from_: str = Field(alias="from", description="a mail reply address configured in the Desk, or 'department': "
                       "the active reply address of the ticket's department")
    to: str | None = Field(None, description="default: the ticket's email")
    text: str = Field(min_length=1)
    content_type: Literal["plainText", "html"] = "plainText"

    @field_validator("from_")
    @classmethod
    def _check_from(cls, value: str) -> str:
        if value != REPLY_FROM_DEPARTMENT and not _EMAIL.fullmatch(value):
            raise invalid(f"expected the email address of a mail reply address, or 'department', got {value!r}")
        return value


class UpdateAction(StrictModel):
    update: UpdateParams


class AssignAction(StrictModel):
    assign: AssignParams


class MoveAction(StrictModel):
    move: MoveParams


class CommentAction(StrictModel):
    comment: CommentParams


class TimeEntryAction(StrictModel):
    time_entry: TimeEntryParams


class TaskAction(StrictModel):
    task: TaskParams


class ReplyAction(StrictModel):
    reply: ReplyParams


class MarkSpamAction(StrictModel):
    mark_spam: bool

    @field_validator("mark_spam")
    @classmethod
    def _must_be_true(cls, value: bool) -> bool:
        if value is not True:
            raise invalid("mark_spam takes true (marks the ticket as spam); leave the action out otherwise")
        return value


ACTION_SHAPE = f"expected an action: a mapping with one key, the action type ({', '.join(ACTION_TYPES)})"


def _action_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return next(iter(value)) if len(value) == 1 else None
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return None


Action = Annotated[
    Union[
        Annotated[UpdateAction, Tag("update")],
        Annotated[AssignAction, Tag("assign")],
        Annotated[MoveAction, Tag("move")],
        Annotated[CommentAction, Tag("comment")],
        Annotated[TimeEntryAction, Tag("time_entry")],
        Annotated[TaskAction, Tag("task")],
        Annotated[ReplyAction, Tag("reply")],
        Annotated[MarkSpamAction, Tag("mark_spam")],
    ],
    Discriminator(_action_tag, custom_error_type="action_shape", custom_error_message=ACTION_SHAPE),
]


def action_type(action: BaseModel) -> str:
    return next(iter(type(action).model_fields))


def action_params(action: BaseModel) -> Any:
    return getattr(action, action_type(action))


# ------------------------------------------------------------------------------------------------ triggers
class ScheduleSpec(StrictModel):
    cron: str = Field(description="a cron expression, e.g. '*/5 * * * *'")
    timezone: str = Field("UTC", description="the IANA timezone the cron expression is read in")

    @field_validator("cron")
    @classmethod
    def _check_cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise invalid(f"invalid cron expression {value!r}; expected five fields like '*/5 * * * *'")
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
    Union[Annotated[EventKind, Tag("event")], Annotated[ScheduleTrigger, Tag("schedule")]],
    Discriminator(
        lambda value: "event" if isinstance(value, str) else "schedule" if isinstance(value, (dict, BaseModel))
        else None,
        custom_error_type="trigger_shape",
        custom_error_message=f"expected an event kind ({', '.join(EVENT_KINDS)}) or {{schedule: {{cron: ...}}}}",
    ),
]
Triggers = Annotated[
    Union[Annotated[Trigger, Tag("one")], Annotated[list[Trigger], Tag("many")]],
    Discriminator(lambda value: "many" if isinstance(value, (list, tuple)) else "one"),
]


# --------------------------------------------------------------------------------------------------- rules
class OncePerAnchor(StrictModel):
    per_anchor: str = Field(min_length=1, description="re-arm when this ticket field's value changes")


Once = Annotated[
    Union[Annotated[Literal["per_ticket"], Tag("per_ticket")], Annotated[OncePerAnchor, Tag("per_anchor")]],
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
    retrigger: bool = Field(False, description="also react to changes deskpilot itself made")
    max_fires_per_ticket_per_hour: int = Field(DEFAULT_MAX_FIRES_PER_HOUR, ge=1, le=1000)
    once: Once | None = Field(None, description="per_ticket, or {per_anchor: FIELD} to re-arm on a new value")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _RULE_ID.fullmatch(value):
            raise invalid(f"invalid rule id {value!r}: expected letters, digits, '-', '_' and '.', "
                          "starting with a letter or digit")
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
    """A rule file: `rules` and the `calendars` they count business time in (names unique across files)."""

    model_config = ConfigDict(title="deskpilot rule file")

    rules: list[Rule] = []
    calendars: dict[str, CalendarSpec] = {}


class RuleFileEnvelope(StrictModel):
    """The top level only; each rule and calendar is validated on its own so every problem is reported."""

    rules: list[Any] = []
    calendars: dict[str, Any] = {}


for _model in (AllCondition, AnyCondition, NotCondition, Rule, RuleFile):
    _model.model_rebuild()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of rule files, for editors (yaml-language-server: `# yaml-language-server: $schema=...`)."""
    schema = RuleFile.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
