"""Threads of a ticket: get, the latest, list, sendReply, draftReply, update a draft, delete a draft's attachment.

sendReply and draftReply are not idempotent (a second try sends a second e-mail); updating a draft and deleting an
attachment are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models import DraftUpdate, ReplyInput, Thread, body_of
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, PriorityArg, Resource, includes, seg


class ThreadsResource(Resource):
    def get(self, ticket_id: str, thread_id: str, *, include: Include = None) -> Thread:
        return self._get_one(
            Thread, f"/tickets/{seg(ticket_id)}/threads/{seg(thread_id)}", {"include": includes(include)}
        )

    def latest(self, ticket_id: str) -> Thread | None:
        """GET /tickets/{id}/latestThread: the newest thread that is not a draft, with its content; None when the
        ticket has none (204)."""
        path = f"/tickets/{seg(ticket_id)}/latestThread"
        body = self._t.request("GET", path)
        return None if body is None else self._one(Thread, body, "GET", path)

    def list(
        self, ticket_id: str, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None
    ) -> list[Thread]:
        return self._get_list(
            Thread, f"/tickets/{seg(ticket_id)}/threads", {"from": from_, "limit": limit, "sortBy": sort_by}
        )

    def iter(
        self, ticket_id: str, *, sort_by: str | None = None, page_size: int = MAX_LIMIT, max_items: int | None = None
    ) -> Iterator[Thread]:
        return self._iter_list(
            Thread, f"/tickets/{seg(ticket_id)}/threads", {"sortBy": sort_by}, page_size=page_size, max_items=max_items
        )

    def send_reply(
        self, ticket_id: str, reply: ReplyInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Thread:
        return self._write(
            Thread,
            "POST",
            f"/tickets/{seg(ticket_id)}/sendReply",
            json=body_of(reply),
            idempotent=False,
            priority=priority,
        )

    def draft_reply(
        self, ticket_id: str, reply: ReplyInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Thread:
        return self._write(
            Thread,
            "POST",
            f"/tickets/{seg(ticket_id)}/draftReply",
            json=body_of(reply),
            idempotent=False,
            priority=priority,
        )

    def update_draft(
        self,
        ticket_id: str,
        thread_id: str,
        data: DraftUpdate | Mapping[str, Any],
        *,
        priority: PriorityArg = Priority.NORMAL,
    ) -> Thread:
        return self._write(
            Thread,
            "PATCH",
            f"/tickets/{seg(ticket_id)}/draftReply/{seg(thread_id)}",
            json=body_of(data),
            idempotent=True,
            priority=priority,
        )

    def delete_attachment(
        self, ticket_id: str, thread_id: str, attachment_id: str, *, priority: PriorityArg = Priority.NORMAL
    ) -> None:
        self._write(
            None,
            "DELETE",
            f"/tickets/{seg(ticket_id)}/threads/{seg(thread_id)}/attachments/{seg(attachment_id)}",
            idempotent=True,
            priority=priority,
        )
