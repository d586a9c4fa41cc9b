"""`time_entry`: log time on the ticket; the description carries this action's marker (verify before retrying)."""
from __future__ import annotations

from typing import Any

from worker.actions.base import ActionContext

DESCRIPTION_LIMIT = 100
ENTRY_FIELDS = ("hoursSpent", "minutesSpent", "secondsSpent", "executedTime", "ownerId")


def body(ctx: ActionContext) -> dict[str, Any]:
    params = ctx.params
    room = DESCRIPTION_LIMIT - len(ctx.marker) - 1
    description = (params.get("description") or "")[: max(room, 0)]
    entry: dict[str, Any] = {name: params[name] for name in ENTRY_FIELDS if params.get(name) is not None}
    entry["description"] = f"{description} {ctx.marker}".strip()
    if params.get("billable") is not None:
        entry["isBillable"] = bool(params["billable"])
    if params.get("charge_type"):
        entry["requestChargeType"] = params["charge_type"]
    return entry


def execute(ctx: ActionContext) -> str:
    entry = ctx.client.transport.request("POST", f"/tickets/{ctx.ticket_id}/timeEntry", json=body(ctx), idempotent=False, priority=ctx.priority)
    return f"time entry {(entry or {}).get('id', '')}".strip()


def verify(ctx: ActionContext) -> bool:
    entries = ctx.client.transport.request("GET", f"/tickets/{ctx.ticket_id}/timeEntry", params={"from": 0, "limit": 100})
    return any(ctx.marker in (item.get("description") or "") for item in (entries or {}).get("data") or [])
