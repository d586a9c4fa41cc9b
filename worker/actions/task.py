"""`task`: a task on the ticket; its description carries this action's marker (verify before retrying)."""
from __future__ import annotations

from typing import Any

from worker.actions import lookback
from worker.actions.base import ActionContext

TASK_FIELDS = ("subject", "dueDate", "ownerId", "priority", "status", "category", "departmentId")


def body(ctx: ActionContext) -> dict[str, Any]:
    params = ctx.params
    task: dict[str, Any] = {name: params[name] for name in TASK_FIELDS if params.get(name) is not None}
    task["ticketId"] = ctx.ticket_id
    task.setdefault("departmentId", ctx.action.ticket_department)
    task["description"] = f"{params.get('description') or ''}\n{ctx.marker}".strip()
    return task


def execute(ctx: ActionContext) -> str:
    task = ctx.client.transport.create("/tasks", json=body(ctx), priority=ctx.priority)
    return f"task {task['id']}"


def verify(ctx: ActionContext) -> bool:
    """The ticket's tasks newest first, back to the action's first attempt (they list oldest first by default)."""
    return lookback.has_marker(ctx, f"/tickets/{ctx.ticket_id}/tasks", {"sortBy": "-createdTime"}, "createdTime",
                               lambda item: item.get("description"))
