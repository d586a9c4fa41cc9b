"""Actions: compiled at load (templates, calendars, what they set), planned per matched ticket.

Each `Compiled*` class takes its schema params; `plan(ctx)` returns the parameters of a `PlannedAction`
(see planned.py for the shapes). Names are resolved through the directory when one is given; with no directory
(`None`: not known, e.g. a rule test without one) names stay as written and ids are left out, except values that
already are ids. A name a given directory lacks raises DirectoryError, which evaluate() reports as a failed
verdict. Assignments are planned in plan_assign.py, tags in plan_tags.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker.engine.business_days import business_span
from worker.engine.calendars import Calendar
from worker.engine.directory import Directory
from worker.engine.durations import parse_duration
from worker.engine.errors import DirectoryError
from worker.engine.planned import Params
from worker.engine.schema import (
    REPLY_FROM_DEPARTMENT,
    ReplyParams,
    TaskParams,
    TimeEntryParams,
    UpdateParams,
    action_params,
    action_type,
)
from worker.engine.schema_routing import is_template
from worker.engine.templates import Template, TemplateCompileError, compile_template
from worker.engine.values import desk_time
from worker.engine.yamlsource import Path

# A value an action sets that is not known at load (a template, an agent picked later): not empty, not comparable.
SOME_VALUE = object()
_ASSIGNEE_PATHS = ("assigneeId", "assignee", "assignee.id", "assignee.email", "assignee.zuid")
_DEPARTMENT_PATHS = ("departmentId", "department", "department.id", "department.name")
Report = Callable[..., None]


@dataclass(slots=True)
class PlanContext:
    """What planning one matched rule for one ticket needs.

    `view` is the ticket as the rule's earlier actions leave it (see effects.py); templates and defaults read it.
    `variables` are the templates' variables, built on first use.
    """

    view: Mapping[str, Any]
    now: datetime
    directory: Directory | None
    make_variables: Callable[[Mapping[str, Any]], dict[str, Any]]
    _variables: dict[str, Any] | None = None

    @property
    def variables(self) -> dict[str, Any]:
        if self._variables is None:
            self._variables = self.make_variables(self.view)
        return self._variables

    def apply(self, changes: Mapping[str, Any]) -> None:
        """Let the later actions see these ticket changes."""
        self.view = {**self.view, **changes}
        if self._variables is not None:
            self._variables["ticket"] = self.view

    def render(self, template: Template | None) -> str | None:
        if template is None:
            return None
        return template.source if template.is_constant else template.render(self.variables)

    def agent(self, ref: str | None) -> tuple[str | None, str | None]:
        """(ref as written, resolved agent id) for an id or email."""
        if ref is None:
            return None, None
        if self.directory is None:
            return ref, ref if ref.isdigit() else None
        return ref, str(self.directory.require_agent(ref).get("id"))


@dataclass
class CompiledAction(ABC):
    type: str
    index: int
    sets: dict[str, Any]  # ticket path -> value it sets (or SOME_VALUE), for lint

    @abstractmethod
    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        """The action's parameters for one matched ticket: templates rendered, names resolved."""

    @property
    def constant(self) -> bool:
        """No template of this action depends on the ticket (it renders the same for every ticket)."""
        return all(value.is_constant for value in vars(self).values() if isinstance(value, Template))

    @property
    def reads_ticket(self) -> bool:
        """Whether planning reads the ticket (templates, defaults), so earlier actions' effects matter."""
        return not self.constant


class _Templates:
    """Compiles the template strings of one action, reporting errors at their YAML node with the line."""

    def __init__(self, loc: Path, report: Report, extra_variables: tuple[str, ...] = ()) -> None:
        self.loc, self.report, self.extra_variables = loc, report, extra_variables

    def __call__(self, key_path: tuple[Any, ...], source: str | None) -> Template | None:
        if source is None:
            return None
        try:
            return compile_template(source, self.extra_variables, _where(self.loc + key_path))
        except TemplateCompileError as exc:
            self.report(self.loc + key_path, str(exc), line_offset=exc.line - 1)
            return None


def _where(loc: Path) -> str:
    """A template's place in its rule, as the YAML path from the rule's `then`: "then[1].comment.text"."""
    start = max((index for index, part in enumerate(loc) if part == "then"), default=0)
    text = ""
    for part in loc[start:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


@dataclass
class CompiledUpdate(CompiledAction):
    fields: dict[str, Any] = field(default_factory=dict)  # field -> Template | constant | {name: ...}

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        return {name: _render_value(value, ctx) for name, value in self.fields.items()}

    @property
    def constant(self) -> bool:
        return all(_is_constant(value) for value in self.fields.values())


def _render_value(value: Any, ctx: PlanContext) -> Any:
    if isinstance(value, dict):
        return {name: _render_value(item, ctx) for name, item in value.items()}
    if isinstance(value, Template):
        return ctx.render(value)
    return value


def _is_constant(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_constant(item) for item in value.values())
    return not isinstance(value, Template) or value.is_constant


def _compile_update(params: UpdateParams, index: int, templates: _Templates) -> CompiledUpdate:
    fields: dict[str, Any] = {}
    sets: dict[str, Any] = {}
    for name, value in params.changes().items():
        if isinstance(value, dict):
            fields[name] = {key: _template_or_value(templates, (name, key), item) for key, item in value.items()}
            sets.update({f"{name}.{key}": _lint_value(item) for key, item in fields[name].items()})
        else:
            fields[name] = _template_or_value(templates, (name,), value)
            sets[name] = _lint_value(fields[name])
    return CompiledUpdate("update", index, sets, fields)


def _template_or_value(templates: _Templates, key_path: tuple[Any, ...], value: Any) -> Any:
    return templates(key_path, value) if isinstance(value, str) else value


def _lint_value(value: Any) -> Any:
    if isinstance(value, Template):
        return value.source if value.is_constant else SOME_VALUE
    return value


def department_of(ctx: PlanContext, ref: Any) -> tuple[Any, str | None, Mapping[str, Any] | None]:
    """(name as written or known, department id, the directory record) for a name or id."""
    if ref is None:
        raise DirectoryError("the ticket has no departmentId and the action names no department")
    ref = str(ref)
    if ctx.directory is None:
        return ref, ref if ref.isdigit() else None, None
    record = ctx.directory.require_department(ref)
    name = ref if not ref.isdigit() else record.get("name", ref)
    return name, str(record.get("id")), record


@dataclass
class CompiledMove(CompiledAction):
    department: str = ""

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        name, dept_id, _ = department_of(ctx, self.department)
        return Params().put("department", name).put("departmentId", dept_id).data


@dataclass
class CompiledComment(CompiledAction):
    text: Template | None = None
    public: bool = False

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        return {"text": ctx.render(self.text), "public": self.public}


@dataclass
class CompiledTimeEntry(CompiledAction):
    params: TimeEntryParams
    description: Template | None = None

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        spec = self.params
        hours, rest = divmod(int(parse_duration(spec.duration).total_seconds()), 3600)
        minutes, seconds = divmod(rest, 60)
        owner, owner_id = ctx.agent(spec.owner)
        return (
            Params()
            .put("duration", spec.duration)
            .put("hoursSpent", str(hours))
            .put("minutesSpent", str(minutes))
            .put("secondsSpent", str(seconds))
            .put("executedTime", desk_time(ctx.now))
            .put("description", ctx.render(self.description))
            .put("owner", owner)
            .put("ownerId", owner_id)
            .put("billable", spec.billable)
            .put("charge_type", spec.charge_type)
            .data
        )


@dataclass
class CompiledTask(CompiledAction):
    reads_ticket = True
    params: TaskParams
    subject: Template | None = None
    description: Template | None = None
    calendar: Calendar | None = None

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        spec = self.params
        owner, owner_id = ctx.agent(spec.owner)
        return (
            Params()
            .put("subject", ctx.render(self.subject))
            .put("description", ctx.render(self.description))
            .put("dueDate", self._due(ctx.now))
            .put("due_in", spec.due_in)
            .put("owner", owner)
            .put("ownerId", owner_id)
            .put("priority", spec.priority)
            .put("status", spec.status)
            .put("category", spec.category)
            .put("departmentId", ctx.view.get("departmentId"))
            .put("ticketId", ctx.view.get("id"))
            .data
        )

    def _due(self, now: datetime) -> str | None:
        if self.params.due_in is None:
            return None
        if self.calendar is None:
            return desk_time(now + parse_duration(self.params.due_in))
        due = self.calendar.add_business_time(now, business_span(self.calendar, now, self.params.due_in))
        return desk_time(due)


@dataclass
class CompiledReply(CompiledAction):
    reads_ticket = True
    params: ReplyParams
    to: Template | None = None
    text: Template | None = None

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        spec = self.params
        to = (
            ctx.render(self.to)
            if self.to is not None
            else (ctx.view.get("email") or (ctx.view.get("contact") or {}).get("email"))
        )
        if not to:
            raise DirectoryError("reply: the ticket has no email address and the action gives no 'to'")
        return {
            "from": self._sender(ctx),
            "to": to,
            "text": ctx.render(self.text),
            "content_type": spec.content_type,
            "channel": "EMAIL",
        }

    def _sender(self, ctx: PlanContext) -> str:
        """The from address: as written (checked when the directory lists addresses), or the department's."""
        wanted, directory = self.params.from_, ctx.directory
        if directory is None:
            return wanted
        if wanted == REPLY_FROM_DEPARTMENT:
            department = str(ctx.view.get("departmentId"))
            address = next(
                (
                    item
                    for item in directory.mail_reply_addresses
                    if item.get("isActive") is not False and str(item.get("departmentId")) == department
                ),
                None,
            )
            if address is None:
                raise DirectoryError(f"reply: no active mail reply address for department {department!r}")
            return str(address.get("address")).strip()
        if directory.mail_reply_addresses:
            address = directory.reply_address(wanted)
            if address is None or address.get("isActive") is False:
                raise DirectoryError(f"{wanted!r} is not an active mail reply address in the directory")
        return wanted


@dataclass
class CompiledMarkSpam(CompiledAction):
    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        return {"isSpam": True}


def compile_action(
    model: Any,
    index: int,
    loc: Path,
    calendars: Mapping[str, Calendar],
    report: Report,
    extra_variables: tuple[str, ...] = (),
) -> CompiledAction:
    """Compile one schema action found at `loc` (the action's mapping); problems go to `report`.

    `extra_variables`: template variables the context adds (SLA escalation levels: `sla`)."""
    kind, params = action_type(model), action_params(model)
    templates = _Templates(loc + (kind,), report, extra_variables)
    if kind == "update":
        return _compile_update(params, index, templates)
    if kind in ("assign", "add_tags", "remove_tags"):
        # imported here: plan_assign and plan_tags build on this module's CompiledAction and PlanContext
        from worker.engine.plan_assign import CompiledAssign
        from worker.engine.plan_tags import compile_tags

        if kind != "assign":
            return compile_tags(kind, params, index, templates)
        agent = templates(("agent",), params.agent) if params.agent and is_template(params.agent) else None
        agent_paths = _ASSIGNEE_PATHS if params.agent or params.strategy else ()  # a team alone keeps the agent
        sets = dict.fromkeys(agent_paths + (("teamId", "team") if params.team else ()), SOME_VALUE)
        return CompiledAssign(kind, index, sets, params, agent)
    if kind == "move":
        return CompiledMove(kind, index, dict.fromkeys(_DEPARTMENT_PATHS, SOME_VALUE), params.department)
    if kind == "comment":
        return CompiledComment(kind, index, {}, templates(("text",), params.text), params.public)
    if kind == "time_entry":
        return CompiledTimeEntry(kind, index, {}, params, templates(("description",), params.description))
    if kind == "task":
        calendar = _calendar(params.calendar, calendars, loc + (kind, "calendar"), report)
        return CompiledTask(
            kind,
            index,
            {},
            params,
            templates(("subject",), params.subject),
            templates(("description",), params.description),
            calendar,
        )
    if kind == "reply":
        return CompiledReply(kind, index, {}, params, templates(("to",), params.to), templates(("text",), params.text))
    if kind in ("notify", "email"):
        # imported here: plan_outbound builds on this module's CompiledAction and PlanContext
        from worker.engine.plan_outbound import compile_email, compile_notify

        if kind == "notify":
            return compile_notify(params, index, loc, templates)
        return compile_email(params, index, templates)
    return CompiledMarkSpam(kind, index, {"isSpam": SOME_VALUE})


def _calendar(name: str | None, calendars: Mapping[str, Calendar], loc: Path, report: Report) -> Calendar | None:
    if name is None:
        return None
    if name not in calendars:
        known = ", ".join(sorted(calendars)) or "none defined"
        report(loc, f"unknown calendar {name!r}; expected one of: {known}")
    return calendars.get(name)
