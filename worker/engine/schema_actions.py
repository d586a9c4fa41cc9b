"""The action part of the rule schema: one model per action type, and the tagged union of them.

An action is a one-key mapping whose key is the action type: `- move: {department: Tier 2}`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, field_validator, model_validator

from worker.engine.schema_outbound import EmailAction, NotifyAction
from worker.engine.schema_routing import AddTagsAction, AssignAgent, RemoveTagsAction
from worker.engine.schema_types import EMAIL, AgentRef, Duration, Scalar, StrictModel, Text, invalid

ACTION_TYPES = (
    "update",
    "assign",
    "move",
    "comment",
    "time_entry",
    "task",
    "reply",
    "mark_spam",
    "notify",
    "email",
    "add_tags",
    "remove_tags",
)
ASSIGN_STRATEGIES = ("round_robin", "least_loaded")


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
    """Assign to one agent (`agent`: id, email, `previous` or a template), to a `team`, or by a `strategy` within a
    department or team (among agents online, on shift and holding the `skills`)."""

    agent: AssignAgent | None = None
    strategy: Literal["round_robin", "least_loaded"] | None = None
    team: Text | None = Field(
        None, description="team name or id: the ticket's team; a strategy picks among its members"
    )
    department: Text | None = Field(None, description="department name or id; default: the ticket's department")
    max_open_tickets: int | None = Field(None, ge=1, description="skip agents with at least this many open tickets")
    skills: list[Text] | None = Field(None, description="pick only agents holding every one (top-level skills:)")
    online_only: bool = Field(True, description="pick only agents the Desk shows online (cached 30 s)")
    fallback: Literal["fail", "unassigned", "team"] = Field(
        "fail", description="when nobody qualifies: fail (dead-lettered), unassigned (leave it), team (to the team)"
    )

    @model_validator(mode="after")
    def _agent_or_strategy(self) -> AssignParams:
        if self.agent is not None and self.strategy is not None:
            raise invalid("assign takes agent or strategy, not both")
        if self.agent is None and self.strategy is None and self.team is None:
            raise invalid(
                "assign takes agent (an id, email or 'previous'), team, or strategy (round_robin or least_loaded)"
            )
        strategy_only = ("department", "max_open_tickets", "skills", "online_only", "fallback")
        misplaced = [name for name in strategy_only if name in self.model_fields_set]
        if self.strategy is None and misplaced:
            raise invalid(f"{', '.join(misplaced)}: only with a strategy")
        if self.team is not None and self.department is not None:
            raise invalid("give team or department, not both: a team's department is its own")
        if self.fallback == "team" and self.team is None:
            raise invalid("fallback: team needs the team to fall back to")
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
    from_: str = Field(
        alias="from",
        description="a mail reply address configured in the Desk, or 'department': "
        "the active reply address of the ticket's department",
    )
    to: str | None = Field(None, description="default: the ticket's email")
    text: str = Field(min_length=1)
    content_type: Literal["plainText", "html"] = "plainText"

    @field_validator("from_")
    @classmethod
    def _check_from(cls, value: str) -> str:
        if value != REPLY_FROM_DEPARTMENT and not EMAIL.fullmatch(value):
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
    Annotated[UpdateAction, Tag("update")]
    | Annotated[AssignAction, Tag("assign")]
    | Annotated[MoveAction, Tag("move")]
    | Annotated[CommentAction, Tag("comment")]
    | Annotated[TimeEntryAction, Tag("time_entry")]
    | Annotated[TaskAction, Tag("task")]
    | Annotated[ReplyAction, Tag("reply")]
    | Annotated[MarkSpamAction, Tag("mark_spam")]
    | Annotated[NotifyAction, Tag("notify")]
    | Annotated[EmailAction, Tag("email")]
    | Annotated[AddTagsAction, Tag("add_tags")]
    | Annotated[RemoveTagsAction, Tag("remove_tags")],
    Discriminator(_action_tag, custom_error_type="action_shape", custom_error_message=ACTION_SHAPE),
]


def action_type(action: BaseModel) -> str:
    return next(iter(type(action).model_fields))


def action_params(action: BaseModel) -> Any:
    return getattr(action, action_type(action))
