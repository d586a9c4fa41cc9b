"""`update`: set ticket fields and custom fields with one PATCH (idempotent: setting a value twice is harmless)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from worker.actions.base import ActionContext, Executor


def patch_body(params: Mapping[str, Any]) -> dict[str, Any]:
    return dict(params)


def expected_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """The values the poller will see afterwards, keyed as change paths (customFields.<name>)."""
    flat = {name: value for name, value in params.items() if name != "customFields"}
    flat.update({f"customFields.{name}": value for name, value in (params.get("customFields") or {}).items()})
    return flat


def holds(ticket: dict[str, Any], params: Mapping[str, Any]) -> bool:
    custom = ticket.get("customFields") or {}
    return all(
        (custom.get(name[len("customFields.") :]) if name.startswith("customFields.") else ticket.get(name)) == value
        for name, value in expected_fields(params).items()
    )


class UpdateExecutor(Executor):
    type = "update"

    def execute(self, ctx: ActionContext) -> str:
        ctx.store.own_writes.expect_fields(ctx.org_id, ctx.ticket_id, expected_fields(ctx.params), ctx.action_id)
        ctx.client.tickets.update(ctx.ticket_id, patch_body(ctx.params), priority=ctx.priority)
        return "updated"

    def verify(self, ctx: ActionContext) -> bool:
        """Compared with the ticket's fields as the Desk sent them: the values the rule wrote, unparsed."""
        return holds(ctx.client.tickets.get_fields(ctx.ticket_id), ctx.params)
