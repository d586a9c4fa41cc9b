"""Fill in what a plan could not know: the agent a strategy assignment picked, for later actions' texts.

The engine renders `{assignee.id}` / `{assignee.zuid}` where a template used the assignee that an earlier
`assign: {strategy: ...}` of the same rule will pick, and marks the action `pending: ["assignee"]`. The pick
is kept with the assign action in the ledger (`ledger.remember_pick`), whose id this action's `after` chain leads to.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from worker.actions.assign import NOBODY
from worker.engine.effects import PENDING_ASSIGNEE_ID, PENDING_ASSIGNEE_ZUID
from worker.store import Store
from worker.store.records import LedgerAction


class AssigneeNotPicked(Exception):
    """The assign action this one follows has not picked an agent yet (it failed, or has not run)."""


def _picked_agent(store: Store, action: LedgerAction) -> tuple[str, str]:
    """(agent id, zuid) of the assignment that precedes `action` in its plan."""
    previous = action.after
    while previous:
        record = store.ledger.get(previous)
        if record is None:
            break
        if record.action.type == "assign":
            params = record.action.params
            agent_id = params.get("agentId") or record.pick
            if not agent_id or agent_id == NOBODY:  # nobody qualified: no assignee to name
                break
            zuid = next(
                (
                    str(c.get("zuid") or "")
                    for c in params.get("candidates") or []
                    if isinstance(c, dict) and str(c.get("id")) == agent_id
                ),
                "",
            )
            return agent_id, zuid
        previous = record.action.after
    raise AssigneeNotPicked(
        f"no agent was picked for the assignment before action {action.index} of rule {action.rule}"
    )


def _substitute(value: Any, agent_id: str, zuid: str) -> Any:
    if isinstance(value, str):
        return value.replace(PENDING_ASSIGNEE_ID, agent_id).replace(PENDING_ASSIGNEE_ZUID, zuid)
    if isinstance(value, dict):
        return {name: _substitute(item, agent_id, zuid) for name, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, agent_id, zuid) for item in value]
    return value


def resolve(store: Store, action: LedgerAction) -> LedgerAction:
    """The action with its pending values filled in (unchanged when nothing is pending)."""
    if "assignee" not in action.pending:
        return action
    agent_id, zuid = _picked_agent(store, action)
    return replace(action, params=_substitute(action.params, agent_id, zuid))
