"""`comment`: a public or private comment carrying this action's marker (not idempotent: verify before retrying)."""
from __future__ import annotations

from worker.actions.base import ActionContext

PAGE = 100


def execute(ctx: ActionContext) -> str:
    ctx.store.own_writes.expect_comment(ctx.org_id, ctx.ticket_id, ctx.action_id, ctx.marker)
    body = {"content": ctx.html_with_marker(ctx.params["text"]), "isPublic": bool(ctx.params.get("public")), "contentType": "html"}
    comment = ctx.client.transport.request("POST", f"/tickets/{ctx.ticket_id}/comments", json=body, idempotent=False, priority=ctx.priority)
    return f"comment {(comment or {}).get('id', '')}".strip()


def verify(ctx: ActionContext) -> bool:
    """Newest comments first: a comment of ours is recent, so one page nearly always answers."""
    comments = ctx.client.transport.request(
        "GET", f"/tickets/{ctx.ticket_id}/comments", params={"from": 0, "limit": PAGE, "sortBy": "-commentedTime"}
    )
    return any(ctx.marker in (item.get("content") or "") for item in (comments or {}).get("data") or [])
