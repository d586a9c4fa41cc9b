"""`time_entry`: log time on the ticket; the description carries this action's marker (verify before retrying)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from worker.actions import lookback
from worker.actions.base import ActionContext
from worker.desk.models import TimeEntry
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


class TimeEntryExecutor(lookback.MarkedRecordExecutor):
    type = "time_entry"

    def execute(self, ctx: ActionContext) -> str:
        entry = ctx.client.time_entries.create(ctx.ticket_id, body(ctx), priority=ctx.priority)
        return f"time entry {entry.id}"

    def candidates(self, ctx: ActionContext) -> Iterator[TimeEntry]:
        """Entries list by executedTime (which a rule may set in the past), not by creation: so only those created
        since the action's first attempt are asked for, every page of them."""
        oldest = lookback.since(ctx)
        newest = server_now(ctx.store.redis) + lookback.CLOCK_SKEW if oldest is not None else None

        def page(from_: int, limit: int) -> list[TimeEntry]:
            return ctx.client.time_entries.list(
                ctx.ticket_id, from_=from_, limit=limit, order_by="DESC", created_from=oldest, created_to=newest
            )

        return lookback.items(ctx, page, None, "time entries")

    def text_of(self, ctx: ActionContext, record: TimeEntry) -> str | None:
        return record.description
