"""`assign`: a named agent, a team, or an agent picked by round_robin / least_loaded among the plan's candidates.

The pick needs shared state, so it happens here, not in the engine: the round-robin pointer lives in Redis (one
per org and department, or team), the load of each candidate is counted from the mirror (open tickets assigned to
them), and who is online comes from the Desk (availability.py, cached 30 s); on shift is read from the calendars
the plan carries (pick.py), at Redis's time. The pick is kept with the action in the ledger, so a retry assigns
the same agent. When nobody qualifies, the rule's `fallback` decides: fail (the action fails for good, as
before), unassigned (nothing is written), team (the ticket goes to the team without an agent); that outcome is
kept too (NOBODY), so a retry does not pick after all.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from worker.actions.availability import online_agents
from worker.actions.base import ActionContext, Executor
from worker.actions.pick import least_loaded, qualified, round_robin
from worker.engine.values import is_closed
from worker.store.keys import server_now

NOBODY = "-"  # the remembered pick when nobody qualified and the fallback applied


class NoCandidate(Exception):
    """Nobody qualifies and the rule's fallback is to fail: a permanent failure of this action."""


def _candidates(ctx: ActionContext) -> list[dict[str, Any]]:
    return [
        candidate if isinstance(candidate, dict) else {"id": str(candidate)}
        for candidate in ctx.params.get("candidates") or []
    ]


def _turn(ctx: ActionContext) -> int:
    params = ctx.params
    pointer = ("team", params["teamId"]) if params.get("teamId") else (params.get("departmentId") or "all",)
    return int(ctx.store.redis.incr(ctx.store.keys.key("rr", ctx.org_id, *pointer))) - 1


def _load(ctx: ActionContext, agents: list[str]) -> Counter[str]:
    return Counter(
        str(ticket.get("assigneeId"))
        for ticket in ctx.store.mirror.scan(ctx.org_id)
        if not is_closed(ticket) and ticket.get("assigneeId") in agents
    )


def _pick(ctx: ActionContext, now: datetime) -> str:
    """A qualified agent's id, or NOBODY when the fallback applies (NoCandidate when it is to fail)."""
    params = ctx.params
    online = online_agents(ctx) if params.get("online_only", True) else None
    found = qualified(_candidates(ctx), online, params.get("shifts") or {}, now)
    if not found.agents:
        where = params.get("team") or params.get("department") or "the department"
        fallback = params.get("fallback", "fail")
        if fallback == "fail":
            raise NoCandidate(f"nobody qualifies in {where} ({found.why_none()})")
        return NOBODY
    if params.get("strategy") == "least_loaded":
        return least_loaded(found.agents, _load(ctx, found.agents))
    return round_robin(found.agents, _turn(ctx))


def choose(ctx: ActionContext, now: datetime | None = None) -> str | None:
    """The agent to assign (None: no agent, for a team-only assignment or a fallback): fixed by the rule, or
    picked once per action (on shift at `now`, default Redis's time) and remembered."""
    params = ctx.params
    if params.get("agentId"):
        return str(params["agentId"])
    if not params.get("strategy"):
        return None
    picked = ctx.store.ledger.pick(ctx.action_id)
    if not picked:
        moment = now if now is not None else server_now(ctx.store.redis)
        picked = ctx.store.ledger.remember_pick(ctx.action_id, _pick(ctx, moment))
    return None if picked == NOBODY else picked  # a racing delivery's earlier pick wins


def _fields(ctx: ActionContext) -> dict[str, Any]:
    """What the assignment writes: the agent and/or the team; {} when the fallback leaves the ticket as it is."""
    params = ctx.params
    agent_id = choose(ctx)
    team_id = params.get("teamId")
    if agent_id is not None:
        return {"assigneeId": agent_id, **({"teamId": team_id} if team_id else {})}
    if params.get("strategy") and params.get("fallback") != "team":
        return {}
    return {"teamId": team_id} if team_id else {}


class AssignExecutor(Executor):
    """An update of the ticket's assignee and/or team (PATCH, idempotent) to what `choose` gives."""

    type = "assign"

    def execute(self, ctx: ActionContext) -> str:
        fields = _fields(ctx)
        if not fields:
            return f"nobody qualified in {ctx.params.get('team') or ctx.params.get('department')}: left as it was"
        ctx.store.own_writes.expect_fields(ctx.org_id, ctx.ticket_id, fields, ctx.action_id)
        ctx.client.tickets.update(ctx.ticket_id, fields, priority=ctx.priority)
        team = f"team {fields['teamId']}" if "teamId" in fields else ""
        if "assigneeId" not in fields:
            return f"assigned to {team}" + (" (nobody qualified)" if ctx.params.get("strategy") else "")
        return f"assigned to {fields['assigneeId']}" + (f" in {team}" if team else "")

    def verify(self, ctx: ActionContext) -> bool:
        fields = _fields(ctx)
        if not fields:
            return True
        ticket = ctx.client.tickets.get_fields(ctx.ticket_id)
        return all(str(ticket.get(name) or "") == str(value) for name, value in fields.items())
