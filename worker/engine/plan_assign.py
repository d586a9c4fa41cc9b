"""`assign`, compiled and planned: a named agent (an id, an email, `previous` or a template, resolved and checked
when the rule fires), a team, or a strategy among a department's or team's agents.

A strategy's plan carries its candidates: ACTIVE, confirmed members under the cap that hold every required
skill (the others are `skipped` with the reason), each with its shift calendar (its own, else the team's; none:
always on shift), plus `online_only` and `fallback`. Who is online and on shift is decided by the pick, in the
worker (worker/actions/assign.py), at its own moment: both change by the minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from worker.engine.errors import DirectoryError
from worker.engine.planned import Params
from worker.engine.planner import CompiledAction, PlanContext, department_of
from worker.engine.routing import Routing, calendar_json, fold
from worker.engine.schema import AssignParams
from worker.engine.schema_routing import AGENT_PREVIOUS
from worker.engine.templates import Template


@dataclass
class CompiledAssign(CompiledAction):
    params: AssignParams
    agent: Template | None = None  # a templated agent reference
    routing: Routing = field(default_factory=Routing)  # the rule set's skills and shifts, bound after load

    @property
    def reads_ticket(self) -> bool:
        spec = self.params
        by_ticket = spec.strategy is not None and spec.department is None and spec.team is None
        return by_ticket or self.agent is not None or spec.agent == AGENT_PREVIOUS

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        spec = self.params
        out = Params()
        team = _team(ctx, spec.team, ctx.view.get("departmentId")) if spec.team is not None else None
        if team is not None:
            out.put("team", spec.team).put("teamId", str(team.get("id")) if team.get("id") else None)
        if spec.agent is not None:
            ref, agent_id = ctx.agent(self._agent_ref(ctx))
            _check_active(ctx, ref)
            return out.put("agent", ref).put("agentId", agent_id).data
        if spec.strategy is None:
            return out.data
        return self._strategy(ctx, out, team)

    def _agent_ref(self, ctx: PlanContext) -> str:
        spec = self.params
        if spec.agent == AGENT_PREVIOUS:
            ref = str((ctx.variables.get("previous") or {}).get("assigneeId") or "")
            if not ref:
                raise DirectoryError("assign: agent 'previous': the ticket had no assignee before this change")
            return ref
        if self.agent is None:
            return str(spec.agent)
        ref = (ctx.render(self.agent) or "").strip()
        if not (ref.isdigit() or "@" in ref):
            raise DirectoryError(f"assign: agent {self.agent.source!r} gave {ref!r}: expected an agent id or email")
        return ref

    def _strategy(self, ctx: PlanContext, out: Params, team: dict[str, Any] | None) -> dict[str, Any]:
        spec = self.params
        dept_ref = team.get("departmentId") if team is not None else spec.department or ctx.view.get("departmentId")
        name, dept_id, department = department_of(ctx, dept_ref)
        out.put("strategy", spec.strategy).put("department", name).put("departmentId", dept_id)
        out.put("maxOpenTickets", spec.max_open_tickets).put("skills", spec.skills)
        out.put("online_only", None if spec.online_only else False)  # absent: True
        out.put("fallback", None if spec.fallback == "fail" else spec.fallback)  # absent: fail
        if ctx.directory is None or department is None:
            return out.data
        candidates, skipped = ctx.directory.eligible_summaries(department, spec.max_open_tickets)
        if team is not None:
            members = {str(agent_id) for agent_id in [*team.get("agents", ()), *team.get("derivedAgents", ())]}
            candidates = [c for c in candidates if c["id"] in members]
            skipped = [s for s in skipped if s["id"] in members]
        kept, shifts = [], {}
        wanted = frozenset(fold(skill) for skill in spec.skills or ())
        for candidate in candidates:
            missing = sorted(wanted - self.routing.skills_of(candidate["id"], candidate.get("email")))
            if missing:
                skipped = [*skipped, {**candidate, "reason": f"lacks skill {', '.join(missing)}"}]
                continue
            team_name = team.get("name") if team is not None else None
            shift = self.routing.shift_of(candidate["id"], candidate.get("email"), team_name, spec.team)
            if shift is not None:
                shifts[shift.name] = calendar_json(shift)
                candidate = {**candidate, "shift": shift.name}
            kept.append(candidate)
        return out.put("candidates", kept).put("skipped", skipped).put("shifts", shifts or None).data


def _team(ctx: PlanContext, ref: str, department_id: Any) -> dict[str, Any] | None:
    """The team record (None without a directory); it must be of the ticket's department."""
    if ctx.directory is None:
        return {"id": ref} if ref.isdigit() else None
    team = ctx.directory.team(ref)
    if team is None:
        known = ", ".join(sorted(str(item.get("name")) for item in ctx.directory.teams)) or "none"
        raise DirectoryError(f"no team {ref!r} in the directory; known: {known}")
    if department_id is not None and str(team.get("departmentId")) != str(department_id):
        raise DirectoryError(f"team {ref!r} is not of the ticket's department {department_id}; move the ticket first")
    return dict(team)


def _check_active(ctx: PlanContext, ref: str | None) -> None:
    """A named agent must be able to take the ticket: ACTIVE (a disabled agent cannot be assigned)."""
    if ctx.directory is None or ref is None:
        return
    status = str(ctx.directory.require_agent(ref).get("status") or "ACTIVE").upper()
    if status != "ACTIVE":
        raise DirectoryError(f"assign: agent {ref!r} is {status}, not ACTIVE")
