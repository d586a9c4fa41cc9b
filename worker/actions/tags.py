"""`add_tags` / `remove_tags`: the ticket's tags through the Desk's tag endpoints (associateTag, dissociateTag).

Verify before write: the ticket's tags are read first (GET /tickets/{id}/tags) and only the missing (or present)
ones are written, so a tag already there counts as done and costs no write: 1 call when nothing is to do, 2
otherwise (3+ past 51 names). Names compare case-insensitively, as the Desk keeps one tag per name. Both writes are
idempotent, so a retry after an unanswered write is harmless. Tags are not ticket fields: the write does not move
the ticket's modifiedTime, so the poller sees no change and no own write is expected.
"""

from __future__ import annotations

from worker.actions.base import ActionContext, Executor


def _held(ctx: ActionContext) -> set[str]:
    return {tag.name.casefold() for tag in ctx.client.tags.for_ticket(ctx.ticket_id)}


def _wanted(ctx: ActionContext) -> list[str]:
    return [str(name) for name in ctx.params.get("tags") or []]


class AddTagsExecutor(Executor):
    type = "add_tags"

    def execute(self, ctx: ActionContext) -> str:
        held = _held(ctx)
        missing = [name for name in _wanted(ctx) if name.casefold() not in held]
        if not missing:
            return "tags already there: " + ", ".join(_wanted(ctx))
        ctx.client.tags.associate(ctx.ticket_id, missing, priority=ctx.priority)
        return "tagged " + ", ".join(missing)

    def verify(self, ctx: ActionContext) -> bool:
        held = _held(ctx)
        return all(name.casefold() in held for name in _wanted(ctx))


class RemoveTagsExecutor(Executor):
    type = "remove_tags"

    def execute(self, ctx: ActionContext) -> str:
        held = _held(ctx)
        present = [name for name in _wanted(ctx) if name.casefold() in held]
        if not present:
            return "tags already absent: " + ", ".join(_wanted(ctx))
        ctx.client.tags.dissociate(ctx.ticket_id, present, priority=ctx.priority)
        return "untagged " + ", ".join(present)

    def verify(self, ctx: ActionContext) -> bool:
        held = _held(ctx)
        return not any(name.casefold() in held for name in _wanted(ctx))
