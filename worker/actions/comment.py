"""`comment`: a public or private comment carrying this action's marker (not idempotent: verify before retrying)."""
from __future__ import annotations

from worker.actions import lookback
from worker.actions.base import ActionContext


def execute(ctx: ActionContext) -> str:
    ctx.store.own_writes.expect_comment(ctx.org_id, ctx.ticket_id, ctx.action_id, ctx.marker)
    body = {"content": ctx.html_with_marker(ctx.params["text"]), "isPublic": bool(ctx.params.get("public")), "contentType": "html"}
    comment = ctx.client.transport.create(f"/tickets/{ctx.ticket_id}/comments", json=body, priority=ctx.priority)
    return f"comment {comment['id']}"


def verify(ctx: ActionContext) -> bool:
    """Newest comments first, back to the action's first attempt: a comment of ours is recent."""
    return lookback.has_marker(ctx, f"/tickets/{ctx.ticket_id}/comments", {"sortBy": "-commentedTime"},
                               "commentedTime", lambda item: item.get("content"))
