"""`task`: a task on the ticket; its description carries this action's marker (verify before retrying)."""
from __future__ import annotations

from typing import Any

from worker.actions.base import ActionContext

TASK_FIELDS = ("subject", "dueDate", "ownerId", "priority", "status", "category", "departmentId")


def body(ctx: ActionContext) -> dict[str, Any]:
    params = ctx.params
    task: dict[str, Any] = {name: params[name] for name in TASK_FIELDS if params.get(name) is not None}
    task["ticketId"] = ctx.ticket_id
    task.setdefault("departmentId", ctx.action.get("ticket_department"))
    task["description"] = f"{params.get('description') or ''}\n{ctx.marker}".strip()
    return task


def execute(ctx: ActionContext) -> str:
    task = ctx.client.transport.request("POST", "/tasks", json=body(ctx), idempotent=False, priority=ctx.priority)
    return f"task {(task or {}).get('id', '')}".strip()


def verify(ctx: ActionContext) -> bool:
    tasks = ctx.client.transport.request("GET", f"/tickets/{ctx.ticket_id}/tasks", params={"from": 0, "limit": 100})
    return any(ctx.marker in (item.get("description") or "") for item in (tasks or {}).get("data") or [])
