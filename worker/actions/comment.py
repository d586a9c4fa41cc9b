"""`comment`: a public or private comment carrying this action's marker (not idempotent: verify before retrying)."""

from __future__ import annotations

from collections.abc import Iterator

from worker.actions import lookback
from worker.actions.base import ActionContext
from worker.desk.models import Comment


class CommentExecutor(lookback.MarkedRecordExecutor):
    type = "comment"

    def execute(self, ctx: ActionContext) -> str:
        ctx.store.own_writes.expect_comment(ctx.org_id, ctx.ticket_id, ctx.action_id, ctx.marker)
        body = {
            "content": ctx.html_with_marker(ctx.params["text"]),
            "isPublic": bool(ctx.params.get("public")),
            "contentType": "html",
        }
        comment = ctx.client.comments.create(ctx.ticket_id, body, priority=ctx.priority)
        return f"comment {comment.id}"

    def candidates(self, ctx: ActionContext) -> Iterator[Comment]:
        """Newest comments first, back to the action's first attempt: a comment of ours is recent."""

        def page(from_: int, limit: int) -> list[Comment]:
            return ctx.client.comments.list(ctx.ticket_id, from_=from_, limit=limit, sort_by="-commentedTime")

        return lookback.items(ctx, page, lambda comment: comment.commentedTime, "comments")

    def text_of(self, ctx: ActionContext, record: Comment) -> str | None:
        return record.content
