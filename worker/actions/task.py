"""`task`: a task on the ticket; its description carries this action's marker (verify before retrying)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from worker.actions import lookback
from worker.actions.base import ActionContext
from worker.desk.models import Task

TASK_FIELDS = ("subject", "dueDate", "ownerId", "priority", "status", "category", "departmentId")


def body(ctx: ActionContext) -> dict[str, Any]:
    params = ctx.params
    task: dict[str, Any] = {name: params[name] for name in TASK_FIELDS if params.get(name) is not None}
    task["ticketId"] = ctx.ticket_id
    task.setdefault("departmentId", ctx.action.ticket_department)
    task["description"] = f"{params.get('description') or ''}\n{ctx.marker}".strip()
    return task


class TaskExecutor(lookback.MarkedRecordExecutor):
    type = "task"

    def execute(self, ctx: ActionContext) -> str:
        task = ctx.client.tasks.create(body(ctx), priority=ctx.priority)
        return f"task {task.id}"

    def candidates(self, ctx: ActionContext) -> Iterator[Task]:
        """The ticket's tasks newest first, back to the action's first attempt (they list oldest first by default)."""

        def page(from_: int, limit: int) -> list[Task]:
            return ctx.client.tasks.for_ticket(ctx.ticket_id, from_=from_, limit=limit, sort_by="-createdTime")

        return lookback.items(ctx, page, lambda task: task.createdTime, "tasks")

    def text_of(self, ctx: ActionContext, record: Task) -> str | None:
        return record.description
