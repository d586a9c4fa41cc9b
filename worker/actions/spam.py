"""`mark_spam`: POST /tickets/markSpam for the ticket (idempotent)."""

from __future__ import annotations

from worker.actions.base import ActionContext, Executor


class MarkSpamExecutor(Executor):
    type = "mark_spam"

    def execute(self, ctx: ActionContext) -> str:
        ctx.client.tickets.mark_spam([ctx.ticket_id], is_spam=True, priority=ctx.priority)
        return "marked spam"

    def verify(self, ctx: ActionContext) -> bool:
        """The ticket's spam flag is not among the fields the Desk returns; marking again is harmless."""
        return False
