"""`update_many`: one field set on many tickets by a sweep, as POST /tickets/updateMany (idempotent).

Sweeps group the same batchable `update` over many tickets; each field becomes one call per chunk of ids.
Setting a field to the value it has is harmless, so a retry after an unknown outcome simply sends it again.
"""

from __future__ import annotations

from worker.actions.base import ActionContext, Executor


class UpdateManyExecutor(Executor):
    type = "update_many"

    def execute(self, ctx: ActionContext) -> str:
        params = ctx.params
        path = f"customFields.{params['fieldName']}" if params.get("isCustomField") else params["fieldName"]
        for ticket_id in params["ids"]:
            ctx.store.own_writes.expect_fields(ctx.org_id, ticket_id, {path: params["fieldValue"]}, ctx.action_id)
        ctx.client.tickets.update_many(
            params["ids"],
            params["fieldName"],
            params["fieldValue"],
            is_custom_field=bool(params.get("isCustomField")),
            priority=ctx.priority,
        )
        return f"updated {len(params['ids'])} tickets"

    def verify(self, ctx: ActionContext) -> bool:
        """Sending it again is harmless (and cheaper than reading every ticket)."""
        return False
