"""`move`: change the ticket's department (POST /tickets/{id}/move, idempotent)."""

from __future__ import annotations

from worker.actions.base import ActionContext, Executor


class MoveExecutor(Executor):
    type = "move"

    def execute(self, ctx: ActionContext) -> str:
        department_id = ctx.params["departmentId"]
        ctx.store.own_writes.expect_fields(ctx.org_id, ctx.ticket_id, {"departmentId": department_id}, ctx.action_id)
        ctx.client.tickets.move(ctx.ticket_id, department_id, priority=ctx.priority)
        return f"moved to {department_id}"

    def verify(self, ctx: ActionContext) -> bool:
        return ctx.client.tickets.get(ctx.ticket_id).departmentId == str(ctx.params["departmentId"])
