"""Accounts (customer companies): get, list, create (not idempotent), update (idempotent), an account's tickets."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models import Account, AccountInput, Ticket, body_of
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, PriorityArg, Resource, includes, seg


class AccountsResource(Resource):
    def get(self, account_id: str, *, include: Include = None) -> Account:
        """`include`: owner."""
        return self._get_one(Account, f"/accounts/{seg(account_id)}", {"include": includes(include)})

    def list(self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None) -> list[Account]:
        """`sort_by`: accountName, createdTime (`-` prefix: descending)."""
        return self._get_list(Account, "/accounts", {"from": from_, "limit": limit, "sortBy": sort_by})

    def iter(
        self, *, sort_by: str | None = None, page_size: int = MAX_LIMIT, max_items: int | None = None
    ) -> Iterator[Account]:
        return self._iter_list(Account, "/accounts", {"sortBy": sort_by}, page_size=page_size, max_items=max_items)

    def create(self, data: AccountInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL) -> Account:
        return self._write(Account, "POST", "/accounts", json=body_of(data), idempotent=False, priority=priority)

    def update(
        self, account_id: str, data: AccountInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Account:
        return self._write(
            Account, "PATCH", f"/accounts/{seg(account_id)}", json=body_of(data), idempotent=True, priority=priority
        )

    def tickets(
        self,
        account_id: str,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
    ) -> list[Ticket]:
        return self._get_list(
            Ticket,
            f"/accounts/{seg(account_id)}/tickets",
            {"from": from_, "limit": limit, "departmentId": department_id, "sortBy": sort_by,
             "include": includes(include)},
        )

    def iter_tickets(
        self,
        account_id: str,
        *,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Ticket]:
        return self._iter_list(
            Ticket,
            f"/accounts/{seg(account_id)}/tickets",
            {"departmentId": department_id, "sortBy": sort_by, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )
