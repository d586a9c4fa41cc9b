"""`time_entry`: log time on the ticket; the description carries this action's marker (verify before retrying)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from worker.actions import lookback
from worker.actions.base import ActionContext
from worker.store.keys import server_now

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
    entry = ctx.client.transport.create(f"/tickets/{ctx.ticket_id}/timeEntry", json=body(ctx), priority=ctx.priority)
    return f"time entry {entry['id']}"


def verify(ctx: ActionContext) -> bool:
    """Entries list by executedTime (which a rule may set in the past), not by creation: so only those created
    since the action's first attempt are asked for, every page of them."""
    params: dict[str, Any] = {"orderBy": "DESC"}
    oldest = lookback.since(ctx)
    if oldest is not None:
        params["createdTimeRange"] = f"{_iso(oldest)},{_iso(server_now(ctx.store.redis) + lookback.CLOCK_SKEW)}"
    return lookback.has_marker(ctx, f"/tickets/{ctx.ticket_id}/timeEntry", params, None,
                               lambda item: item.get("description"))


def _iso(when: datetime) -> str:
    """The Desk's time format: 2016-06-21T13:16:14.000Z."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
