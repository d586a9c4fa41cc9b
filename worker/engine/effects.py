"""How a planned action changes the ticket as the later actions of the same rule see it.

Zendesk renders a trigger's texts after its field changes, so `{{ ticket.assignee }}` in a comment that follows
an assignment is the new assignee. deskpilot plans instead of acting, so it applies each planned action to a
*view* of the ticket that the rule's later templates and defaults read: after `move`, `ticket.department` is the
new department (and a following `assign: {strategy: ...}` picks in it); after `update`, the new field values.

An assignment by strategy is picked later, by the pipeline. Until then the view's assignee is a placeholder whose
id and zuid render as `{assignee.id}` and `{assignee.zuid}`: `mention(ticket.assignee)` becomes
`zsu[@user:{assignee.zuid}]zsu`, and the planned action carries `pending=("assignee",)` so the pipeline
substitutes the picked agent's values before sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from worker.engine.directory import Directory

PENDING_ASSIGNEE_ID = "{assignee.id}"
PENDING_ASSIGNEE_ZUID = "{assignee.zuid}"
PENDING_MARK = "{assignee."
_CUSTOM = ("customFields", "cf")


def effect(
    kind: str, params: Mapping[str, Any], view: Mapping[str, Any], directory: Directory | None
) -> dict[str, Any] | None:
    """The ticket fields `kind` with these planned `params` changes, or None."""
    if kind == "update":
        changes = {key: value for key, value in params.items() if key not in _CUSTOM}
        for key in _CUSTOM:
            if key in params:
                changes[key] = {**(view.get(key) or {}), **params[key]}
        return changes
    if kind == "move":
        name = params.get("department")
        department_id = params.get("departmentId")
        return {
            "departmentId": department_id,
            "department": {"id": department_id, "name": None if str(name).isdigit() else name},
        }
    if kind == "assign":
        return _assignee(params, directory)
    if kind == "mark_spam":
        return {"isSpam": True}
    return None


def _assignee(params: Mapping[str, Any], directory: Directory | None) -> dict[str, Any]:
    team = {"teamId": params["teamId"]} if params.get("teamId") else {}
    if "strategy" not in params and "agent" not in params:  # to a team only: the assignee stays
        return team
    return {**team, **_agent(params, directory)}


def _agent(params: Mapping[str, Any], directory: Directory | None) -> dict[str, Any]:
    if "strategy" in params:
        return {
            "assigneeId": PENDING_ASSIGNEE_ID,
            "assignee": {
                "id": PENDING_ASSIGNEE_ID,
                "zuid": PENDING_ASSIGNEE_ZUID,
                "email": None,
                "firstName": None,
                "lastName": None,
                "pending": True,
            },
        }
    agent_id = params.get("agentId")
    record = directory.agent(agent_id or params.get("agent")) if directory is not None else None
    if record is None:
        ref = params.get("agent")
        return {"assigneeId": agent_id, "assignee": {"id": agent_id, "email": ref if ref and "@" in ref else None}}
    return {
        "assigneeId": agent_id,
        "assignee": {
            "id": agent_id,
            "firstName": record.get("firstName"),
            "lastName": record.get("lastName"),
            "email": record.get("emailId") or record.get("email"),
            "zuid": record.get("zuid"),
        },
    }


def mentions_pending(params: Any) -> bool:
    """Whether rendered parameters contain the pending-assignee placeholder."""
    if isinstance(params, str):
        return PENDING_MARK in params
    if isinstance(params, Mapping):
        return any(mentions_pending(value) for value in params.values())
    if isinstance(params, (list, tuple)):  # an email's recipients
        return any(mentions_pending(value) for value in params)
    return False
