"""Contacts: get, list, create (not idempotent), update (idempotent), a contact's tickets."""

from __future__ import annotations

from collections.abc import Iterator

from worker.desk.models import Contact, ContactInput
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import CustomerResource, Include, includes


class ContactsResource(CustomerResource[Contact, ContactInput]):
    """`get(include=)`: accounts."""

    path = "contacts"
    model = Contact

    def list(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None, include: Include = None
    ) -> list[Contact]:
        """`sort_by`: firstName, lastName, createdTime (`-` prefix: descending)."""
        return self._get_list(
            Contact, "/contacts", {"from": from_, "limit": limit, "sortBy": sort_by, "include": includes(include)}
        )

    def iter(
        self,
        *,
        sort_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Contact]:
        return self._iter_list(
            Contact,
            "/contacts",
            {"sortBy": sort_by, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )
