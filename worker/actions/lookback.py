"""Find an action's own record (comment, reply, task, time entry) on its ticket: newest first, page by page.

A ticket may hold hundreds of older records, so one page is not enough (an applied write went unseen behind 100
older time entries, and was written again). Walks stop at the first item older than the action's first attempt
(less CLOCK_SKEW: the Desk's clock against Redis's), at a short page, or after MAX_PAGES.

`MarkedRecordExecutor` is the base of the executors whose write makes such a record: their verify is this walk.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import structlog

from worker.actions.base import ActionContext, Executor
from worker.actions.settle import first_attempt

PAGE = 100
MAX_PAGES = 50  # 5,000 records: no ticket has that many made since one action's first attempt
CLOCK_SKEW = timedelta(minutes=10)
T = TypeVar("T")
Page = Callable[[int, int], Sequence[T]]  # (from_, limit) -> one page of a typed list, in the order asked for
log = structlog.get_logger(__name__)


def since(ctx: ActionContext) -> datetime | None:
    """The oldest a record of this action can be (None when the first attempt's time is unknown)."""
    started = first_attempt(ctx.store, ctx.action_id)
    return started - CLOCK_SKEW if started else None


def items(ctx: ActionContext, page: Page[T], time_of: Callable[[T], datetime | None] | None, what: str) -> Iterator[T]:
    """The items `page` lists (newest first), while they may be the action's own.

    `time_of` gives the item's time the order follows; None when the order is not by creation (the caller then
    asks for creation times since the first attempt only, and every page is read). `what` names the list in logs.
    """
    oldest = since(ctx)
    for number in range(MAX_PAGES):
        found = page(number * PAGE, PAGE)
        yield from found
        if len(found) < PAGE:
            return
        last = _aware(time_of(found[-1])) if time_of else None
        if oldest is not None and last is not None and last < oldest:
            return
    log.warning("action.verify.truncated", action=ctx.action_id, path=what, pages=MAX_PAGES)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


class MarkedRecordExecutor(Executor):
    """An action whose write makes a record carrying `ctx.marker` (not idempotent): verify looks for that record
    among the ticket's, newest first, back to the action's first attempt."""

    @abstractmethod
    def candidates(self, ctx: ActionContext) -> Iterable[Any]:
        """The ticket's records that may be this action's, newest first (usually `items(...)`)."""

    @abstractmethod
    def text_of(self, ctx: ActionContext, record: Any) -> str | None:
        """Where a record carries the marker."""

    def verify(self, ctx: ActionContext) -> bool:
        return any(ctx.marker in (self.text_of(ctx, record) or "") for record in self.candidates(ctx))
