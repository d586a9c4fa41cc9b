"""`reply`: an email reply from a mail reply address, carrying this action's marker invisibly (verify before retrying)."""
from __future__ import annotations

from worker.actions.base import ActionContext

PAGE = 50


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
    thread = ctx.client.transport.request("POST", f"/tickets/{ctx.ticket_id}/sendReply", json=body, idempotent=False, priority=ctx.priority)
    return f"reply {(thread or {}).get('id', '')}".strip()


def verify(ctx: ActionContext) -> bool:
    """Thread lists carry summaries only, so each recent outgoing thread is read whole."""
    threads = ctx.client.transport.request("GET", f"/tickets/{ctx.ticket_id}/threads", params={"from": 0, "limit": PAGE})
    for item in (threads or {}).get("data") or []:
        if item.get("direction") != "out":
            continue
        thread = ctx.client.transport.request("GET", f"/tickets/{ctx.ticket_id}/threads/{item['id']}") or {}
        if ctx.marker in (thread.get("content") or ""):
            return True
    return False
