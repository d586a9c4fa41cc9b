"""Attachments of tickets, contacts, accounts and tasks (multipart field `file`).

Adding an attachment is not idempotent (a second try adds a second file); setting isPublic and deleting are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from worker.desk.budget import Priority
from worker.desk.models import Attachment
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import FileArg, Include, PriorityArg, Resource, file_part, includes, seg

Parent = Literal["tickets", "contacts", "accounts", "tasks"]


class AttachmentsResource(Resource):
    """`parent` names whose attachments: tickets (default), contacts, accounts or tasks."""

    @staticmethod
    def _base(parent: Parent, parent_id: str) -> str:
        if parent not in ("tickets", "contacts", "accounts", "tasks"):
            raise ValueError(f"attachments belong to tickets, contacts, accounts or tasks, not {parent!r}")
        return f"/{parent}/{seg(parent_id)}/attachments"

    def list(
        self,
        parent_id: str,
        *,
        parent: Parent = "tickets",
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
        is_public: bool | None = None,
        include: Include = None,
    ) -> list[Attachment]:
        """`is_public` and `include` exist for ticket attachments only."""
        return self._get_list(
            Attachment,
            self._base(parent, parent_id),
            {"from": from_, "limit": limit, "sortBy": sort_by, "isPublic": is_public, "include": includes(include)},
        )

    def iter(
        self,
        parent_id: str,
        *,
        parent: Parent = "tickets",
        sort_by: str | None = None,
        is_public: bool | None = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Attachment]:
        return self._iter_list(
            Attachment,
            self._base(parent, parent_id),
            {"sortBy": sort_by, "isPublic": is_public},
            page_size=page_size,
            max_items=max_items,
        )

    def create(
        self,
        parent_id: str,
        file: FileArg,
        *,
        parent: Parent = "tickets",
        is_public: bool | None = None,
        priority: PriorityArg = Priority.NORMAL,
    ) -> Attachment:
        """Attach `file` = (filename, bytes[, content type]). `is_public` (tickets only) is a query parameter."""
        return self._write(
            Attachment,
            "POST",
            self._base(parent, parent_id),
            params={"isPublic": is_public},
            files=file_part(file),
            idempotent=False,
            priority=priority,
        )

    def update(
        self, ticket_id: str, attachment_id: str, *, is_public: bool, priority: PriorityArg = Priority.NORMAL
    ) -> Attachment | None:
        """Set a ticket attachment's visibility (PATCH; the seed answers 200 with or without a body)."""
        path = f"{self._base('tickets', ticket_id)}/{seg(attachment_id)}"
        body = self._write(None, "PATCH", path, json={"isPublic": is_public}, idempotent=True, priority=priority)
        return None if body is None else self._one(Attachment, body, "PATCH", path)

    def delete(
        self,
        parent_id: str,
        attachment_id: str,
        *,
        parent: Parent = "tickets",
        priority: PriorityArg = Priority.NORMAL,
    ) -> None:
        self._write(
            None,
            "DELETE",
            f"{self._base(parent, parent_id)}/{seg(attachment_id)}",
            idempotent=True,
            priority=priority,
        )
