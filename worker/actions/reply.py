"""`reply`: an email reply from a mail reply address, carrying this action's marker invisibly (verify before
retrying)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from worker.actions import lookback
from worker.actions.base import ActionContext
from worker.desk.models import Thread


class ReplyExecutor(lookback.MarkedRecordExecutor):
    type = "reply"

    def execute(self, ctx: ActionContext) -> str:
        ctx.store.own_writes.expect_comment(ctx.org_id, ctx.ticket_id, ctx.action_id, ctx.marker)  # a marked record
        params = ctx.params
        body: dict[str, Any] = {
            "channel": params.get("channel") or "EMAIL",
            "fromEmailAddress": params["from"],
            "content": ctx.html_with_marker(params["text"]),
            "contentType": "html",
        }
        if params.get("to"):
            body["to"] = params["to"]
        thread = ctx.client.threads.send_reply(ctx.ticket_id, body, priority=ctx.priority)
        return f"reply {thread.id}"

    def candidates(self, ctx: ActionContext) -> Iterator[Thread]:
        """Threads list newest first with summaries only: the outgoing ones since the first attempt."""

        def page(from_: int, limit: int) -> list[Thread]:
            return ctx.client.threads.list(ctx.ticket_id, from_=from_, limit=limit)

        return (
            thread
            for thread in lookback.items(ctx, page, lambda thread: thread.createdTime, "threads")
            if thread.direction == "out"
        )

    def text_of(self, ctx: ActionContext, record: Thread) -> str | None:
        """A listed thread has only a summary: each is read whole."""
        return ctx.client.threads.get(ctx.ticket_id, record.id).content
