"""Accounts (customer companies): get, list, create (not idempotent), update (idempotent), an account's tickets
and its contracts."""

from __future__ import annotations

from collections.abc import Iterator

from worker.desk.models import Account, AccountContract, AccountInput
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import CustomerResource, seg

CONTRACTS_MAX = 50  # the most contracts GET /accounts/{id}/contracts answers a call


class AccountsResource(CustomerResource[Account, AccountInput]):
    """`get(include=)`: owner."""

    path = "accounts"
    model = Account

    def contracts(
        self, account_id: str, *, status: str | None = None, department_id: str | None = None
    ) -> list[AccountContract]:
        """The account's contracts (at most CONTRACTS_MAX); `status`: ACTIVE, EXPIRED or FUTURE."""
        params = {"contractStatus": status, "departmentId": department_id, "limit": CONTRACTS_MAX}
        return self._get_list(AccountContract, f"/accounts/{seg(account_id)}/contracts", params)

    def list(self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None) -> list[Account]:
        """`sort_by`: accountName, createdTime (`-` prefix: descending)."""
        return self._get_list(Account, "/accounts", {"from": from_, "limit": limit, "sortBy": sort_by})

    def iter(
        self, *, sort_by: str | None = None, page_size: int = MAX_LIMIT, max_items: int | None = None
    ) -> Iterator[Account]:
        return self._iter_list(Account, "/accounts", {"sortBy": sort_by}, page_size=page_size, max_items=max_items)
