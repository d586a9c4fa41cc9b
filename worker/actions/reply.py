"""`reply`: an email reply from a mail reply address, carrying this action's marker invisibly (verify before retrying)."""
from __future__ import annotations

from worker.actions import lookback
from worker.actions.base import ActionContext


def execute(ctx: ActionContext) -> str:
    params = ctx.params
    body = {
        "channel": params.get("channel") or "EMAIL",
        "fromEmailAddress": params["from"],
        "content": ctx.html_with_marker(params["text"]),
        "contentType": "html",
    }
    if params.get("to"):
        body["to"] = params["to"]
    thread = ctx.client.transport.create(f"/tickets/{ctx.ticket_id}/sendReply", json=body, priority=ctx.priority)
    return f"reply {thread['id']}"


def verify(ctx: ActionContext) -> bool:
    """Threads list newest first with summaries only, so each outgoing one since the first attempt is read whole."""
    for item in lookback.items(ctx, f"/tickets/{ctx.ticket_id}/threads", {}, "createdTime"):
        if item.get("direction") != "out":
            continue
        thread = ctx.client.transport.request("GET", f"/tickets/{ctx.ticket_id}/threads/{item['id']}") or {}
        if ctx.marker in (thread.get("content") or ""):
            return True
    return False
