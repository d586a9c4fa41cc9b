"""Ticket comments. Creating is not idempotent (OutcomeUnknown when unsure); update and delete are."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models import Comment, CommentInput, CommentUpdate, body_of
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, PriorityArg, Resource, includes, seg


class CommentsResource(Resource):
    def get(self, ticket_id: str, comment_id: str, *, include: Include = None) -> Comment:
        return self._get_one(
            Comment, f"/tickets/{seg(ticket_id)}/comments/{seg(comment_id)}", {"include": includes(include)}
        )

    def list(
        self,
        ticket_id: str,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
        include: Include = None,
    ) -> list[Comment]:
        """`sort_by`: commentedTime or -commentedTime."""
        return self._get_list(
            Comment,
            f"/tickets/{seg(ticket_id)}/comments",
            {"from": from_, "limit": limit, "sortBy": sort_by, "include": includes(include)},
        )

    def iter(
        self,
        ticket_id: str,
        *,
        sort_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Comment]:
        return self._iter_list(
            Comment,
            f"/tickets/{seg(ticket_id)}/comments",
            {"sortBy": sort_by, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )

    def create(
        self, ticket_id: str, comment: CommentInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Comment:
        """Mentions: `zsu[@user:{zuid}]zsu`. Raises OutcomeUnknown when the Desk may or may not have added it."""
        return self._write(
            Comment,
            "POST",
            f"/tickets/{seg(ticket_id)}/comments",
            json=body_of(comment),
            idempotent=False,
            priority=priority,
        )

    def update(
        self,
        ticket_id: str,
        comment_id: str,
        data: CommentUpdate | Mapping[str, Any],
        *,
        priority: PriorityArg = Priority.NORMAL,
    ) -> Comment:
        return self._write(
            Comment,
            "PATCH",
            f"/tickets/{seg(ticket_id)}/comments/{seg(comment_id)}",
            json=body_of(data),
            idempotent=True,
            priority=priority,
        )

    def delete(self, ticket_id: str, comment_id: str, *, priority: PriorityArg = Priority.NORMAL) -> None:
        self._write(
            None,
            "DELETE",
            f"/tickets/{seg(ticket_id)}/comments/{seg(comment_id)}",
            idempotent=True,
            priority=priority,
        )
