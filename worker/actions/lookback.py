"""Find an action's own record (comment, reply, task, time entry) on its ticket: newest first, page by page.

A ticket may hold hundreds of older records, so one page is not enough (an applied write went unseen behind 100
older time entries, and was written again). Walks stop at the first item older than the action's first attempt
(less CLOCK_SKEW: the Desk's clock against Redis's), at a short page, or after MAX_PAGES.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import structlog

from worker.actions.base import ActionContext
from worker.actions.settle import first_attempt

PAGE = 100
MAX_PAGES = 50  # 5,000 records: no ticket has that many made since one action's first attempt
CLOCK_SKEW = timedelta(minutes=10)
Item = dict[str, Any]
log = structlog.get_logger(__name__)


def since(ctx: ActionContext) -> datetime | None:
    """The oldest a record of this action can be (None when the first attempt's time is unknown)."""
    started = first_attempt(ctx.store, ctx.action_id)
    return started - CLOCK_SKEW if started else None


def items(ctx: ActionContext, path: str, params: dict[str, Any], time_field: str | None) -> Iterator[Item]:
    """The items at `path` in the order `params` ask for (newest first), while they may be the action's own.

    `time_field` names the item's time the order follows; None when the order is not by creation (the caller then
    filters by creation time in `params` and every page is read).
    """
    oldest = since(ctx)
    for number in range(MAX_PAGES):
        body = ctx.client.transport.request("GET", path, params={**params, "from": number * PAGE, "limit": PAGE})
        page = (body or {}).get("data") or []
        yield from page
        if len(page) < PAGE:
            return
        last = _time(page[-1].get(time_field)) if time_field else None
        if oldest is not None and last is not None and last < oldest:
            return
    log.warning("action.verify.truncated", action=ctx.action_id, path=path, pages=MAX_PAGES)


def has_marker(ctx: ActionContext, path: str, params: dict[str, Any], time_field: str | None,
               text_of: Callable[[Item], str | None]) -> bool:
    """Whether one of the items carries the action's marker in `text_of(item)`."""
    return any(ctx.marker in (text_of(item) or "") for item in items(ctx, path, params, time_field))


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
