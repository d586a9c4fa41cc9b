"""`assign`: a named agent, or one picked by round_robin / least_loaded among the plan's candidates.

The pick needs shared state, so it happens here, not in the engine: the round-robin pointer lives in Redis (one
per org and department), and the load of each candidate is counted from the mirror (open tickets assigned to
them), so picking costs no API call. The pick is kept with the action in the ledger, so a retry assigns the same agent.
"""

from __future__ import annotations

from collections import Counter

from worker.actions.base import ActionContext, Executor
from worker.engine.values import is_closed


def _round_robin(ctx: ActionContext, candidates: list[str]) -> str:
    department = ctx.params.get("departmentId") or "all"
    turn = int(ctx.store.redis.incr(ctx.store.keys.key("rr", ctx.org_id, department))) - 1
    return candidates[turn % len(candidates)]


def _least_loaded(ctx: ActionContext, candidates: list[str]) -> str:
    load = Counter(
        ticket.get("assigneeId")
        for ticket in ctx.store.mirror.scan(ctx.org_id)
        if not is_closed(ticket) and ticket.get("assigneeId") in candidates
    )
    return min(candidates, key=lambda agent_id: (load[agent_id], candidates.index(agent_id)))


def choose(ctx: ActionContext) -> str:
    """The agent to assign: fixed by the rule, or picked once per action and remembered."""
    params = ctx.params
    if params.get("agentId"):
        return params["agentId"]
    picked = ctx.store.ledger.pick(ctx.action_id)
    if picked:
        return picked
    candidates = [
        str(candidate.get("id") if isinstance(candidate, dict) else candidate)
        for candidate in params.get("candidates") or []
    ]
    if not candidates:
        raise NoCandidate(f"no eligible agent in {params.get('department') or 'the department'}")
    agent_id = (
        _least_loaded(ctx, candidates) if params.get("strategy") == "least_loaded" else _round_robin(ctx, candidates)
    )
    return ctx.store.ledger.remember_pick(ctx.action_id, agent_id)  # a racing delivery's earlier pick wins


class NoCandidate(Exception):
    """Every agent of the department is disabled or over the cap: a permanent failure of this action."""


class AssignExecutor(Executor):
    """An update of the ticket's assignee (PATCH, idempotent) to the agent `choose` gives."""

    type = "assign"

    def execute(self, ctx: ActionContext) -> str:
        agent_id = choose(ctx)
        ctx.store.own_writes.expect_fields(ctx.org_id, ctx.ticket_id, {"assigneeId": agent_id}, ctx.action_id)
        ctx.client.tickets.update(ctx.ticket_id, {"assigneeId": agent_id}, priority=ctx.priority)
        return f"assigned to {agent_id}"

    def verify(self, ctx: ActionContext) -> bool:
        return ctx.client.tickets.get(ctx.ticket_id).assigneeId == choose(ctx)
