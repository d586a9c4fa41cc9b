"""`notify` and `email` compiled at load and planned per ticket (the other actions are in planner.py).

Planned parameters (see planned.py for the common shape):

    notify  {target, format, url | url_env, secret_env, text, fields}   the target's declaration is copied in, so
            an action in the ledger is delivered as planned even after its target's rule file changes; the
            secret and an env-held URL are read by the worker at delivery, never planned
    email   {to: [recipient, ...], subject, body, unresolved}   each recipient is {address} or
            {agent, agentId, address?} or {assignee: true, agentId, address?} or {team, teamId?}; the worker
            looks up what planning could not know (agents' addresses, a team's members)

A notify action's target is bound after every file is read (notify_targets.bind_targets), since targets may be
declared in any rule file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from worker.engine.errors import DirectoryError, PlanError
from worker.engine.planned import Params
from worker.engine.planner import CompiledAction, PlanContext
from worker.engine.schema_outbound import ASSIGNEE, AgentRecipient, EmailParams, NotifyParams, NotifyTarget
from worker.engine.schema_types import EMAIL
from worker.engine.templates import Template
from worker.engine.yamlsource import Path

Templates = Callable[[tuple[Any, ...], str | None], Template | None]


@dataclass
class CompiledNotify(CompiledAction):
    target_name: str = ""
    text: Template | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # name -> Template | constant
    loc: Path = ()  # the action's `notify` mapping, where an unknown target is reported
    target: NotifyTarget | None = None  # bound by bind_targets once every file is read

    @property
    def constant(self) -> bool:
        values = [self.text, *self.fields.values()]
        return all(not isinstance(value, Template) or value.is_constant for value in values)

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        if self.target is None:
            raise PlanError(f"notify: target {self.target_name!r} is not declared")
        target = self.target
        fields = {
            name: ctx.render(value) if isinstance(value, Template) else value for name, value in self.fields.items()
        }
        return (
            Params()
            .put("target", self.target_name)
            .put("format", target.format)
            .put("url", target.url)
            .put("url_env", target.url_env)
            .put("secret_env", target.secret_env)
            .put("text", ctx.render(self.text))
            .put("fields", fields or None)
            .data
        )


@dataclass
class CompiledEmail(CompiledAction):
    reads_ticket = True
    to: tuple[Any, ...] = ()  # "assignee" | Template (an address) | AgentRecipient | TeamRecipient
    subject: Template | None = None
    body: Template | None = None

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        recipients: list[dict[str, Any]] = []
        unresolved: list[str] = []
        for item in self.to:
            recipient = self._recipient(item, ctx, unresolved)
            if recipient is not None and recipient not in recipients:
                recipients.append(recipient)
        if not recipients:
            raise DirectoryError(f"email: no recipient ({'; '.join(unresolved)})")
        subject = " ".join((ctx.render(self.subject) or "").split())  # one header line: no CR/LF can get in
        return (
            Params()
            .put("to", recipients)
            .put("subject", subject)
            .put("body", ctx.render(self.body))
            .put("unresolved", unresolved or None)
            .data
        )

    def _recipient(self, item: Any, ctx: PlanContext, unresolved: list[str]) -> dict[str, Any] | None:
        if item == ASSIGNEE:
            assignee = ctx.view.get("assignee") or {}
            agent_id = ctx.view.get("assigneeId") or (assignee.get("id") if isinstance(assignee, Mapping) else None)
            if not agent_id:
                unresolved.append("assignee: the ticket is unassigned")
                return None
            email = assignee.get("email") or assignee.get("emailId") if isinstance(assignee, Mapping) else None
            return Params().put("assignee", True).put("agentId", str(agent_id)).put("address", email).data
        if isinstance(item, Template):
            address = (ctx.render(item) or "").strip()
            if not EMAIL.fullmatch(address) or any(char in address for char in "\r\n,;<>"):
                raise DirectoryError(f"email: {item.source!r} rendered {address!r}, not one email address")
            return {"address": address}
        if isinstance(item, AgentRecipient):
            ref, agent_id = ctx.agent(item.agent)
            record = ctx.directory.agent(agent_id) if ctx.directory is not None and agent_id else None
            email = (record or {}).get("emailId") or (ref if ref and "@" in ref else None)
            return Params().put("agent", ref).put("agentId", agent_id).put("address", email).data
        team = str(item.team)
        return Params().put("team", team).put("teamId", team if team.isdigit() else None).data


def compile_notify(params: NotifyParams, index: int, loc: Path, templates: Templates) -> CompiledNotify:
    fields = {
        name: templates(("fields", name), value) if isinstance(value, str) else value
        for name, value in (params.fields or {}).items()
    }
    return CompiledNotify(
        "notify", index, {}, str(params.target), templates(("text",), params.text), fields, loc + ("notify",)
    )


def compile_email(params: EmailParams, index: int, templates: Templates) -> CompiledEmail:
    to = tuple(
        templates(("to", position), item) if isinstance(item, str) and item != ASSIGNEE else item
        for position, item in enumerate(params.to)
    )
    return CompiledEmail(
        "email", index, {}, to, templates(("subject",), params.subject), templates(("body",), params.body)
    )
