"""Contacts: get, list, create (not idempotent), update (idempotent), a contact's tickets."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models import Contact, ContactInput, Ticket, body_of
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, PriorityArg, Resource, includes, seg


class ContactsResource(Resource):
    def get(self, contact_id: str, *, include: Include = None) -> Contact:
        """`include`: accounts."""
        return self._get_one(Contact, f"/contacts/{seg(contact_id)}", {"include": includes(include)})

    def list(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None, include: Include = None
    ) -> list[Contact]:
        """`sort_by`: firstName, lastName, createdTime (`-` prefix: descending)."""
        return self._get_list(
            Contact, "/contacts", {"from": from_, "limit": limit, "sortBy": sort_by, "include": includes(include)}
        )

    def iter(
        self, *, sort_by: str | None = None, include: Include = None, page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Contact]:
        return self._iter_list(
            Contact, "/contacts", {"sortBy": sort_by, "include": includes(include)}, page_size=page_size,
            max_items=max_items,
        )

    def create(self, data: ContactInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL) -> Contact:
        return self._write(Contact, "POST", "/contacts", json=body_of(data), idempotent=False, priority=priority)

    def update(
        self, contact_id: str, data: ContactInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Contact:
        return self._write(
            Contact, "PATCH", f"/contacts/{seg(contact_id)}", json=body_of(data), idempotent=True, priority=priority
        )

    def tickets(
        self,
        contact_id: str,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
    ) -> list[Ticket]:
        """`sort_by`: createdTime, modifiedTime."""
        return self._get_list(
            Ticket,
            f"/contacts/{seg(contact_id)}/tickets",
            {"from": from_, "limit": limit, "departmentId": department_id, "sortBy": sort_by,
             "include": includes(include)},
        )

    def iter_tickets(
        self,
        contact_id: str,
        *,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Ticket]:
        return self._iter_list(
            Ticket,
            f"/contacts/{seg(contact_id)}/tickets",
            {"departmentId": department_id, "sortBy": sort_by, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )
