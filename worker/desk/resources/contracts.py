"""Contracts (read-only here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from worker.desk.models import Contract
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Resource, seg


class ContractsResource(Resource):
    def get(self, contract_id: str) -> Contract:
        return self._get_one(Contract, f"/contracts/{seg(contract_id)}")

    @staticmethod
    def _filters(
        view_id: str | None,
        department_id: str | None,
        account_id: str | None,
        owner_id: str | None,
        sort_by: str | None,
    ) -> dict[str, Any]:
        return {
            "viewId": view_id,
            "departmentId": department_id,
            "accountId": account_id,
            "ownerId": owner_id,
            "sortBy": sort_by,
        }

    def list(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        view_id: str | None = None,
        department_id: str | None = None,
        account_id: str | None = None,
        owner_id: str | None = None,
        sort_by: str | None = None,
    ) -> list[Contract]:
        """`sort_by`: accountName, contractName, contractEndDate, contractStartDate, createdTime, modifiedTime."""
        params = self._filters(view_id, department_id, account_id, owner_id, sort_by)
        return self._get_list(Contract, "/contracts", {**params, "from": from_, "limit": limit})

    def iter(
        self,
        *,
        view_id: str | None = None,
        department_id: str | None = None,
        account_id: str | None = None,
        owner_id: str | None = None,
        sort_by: str | None = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Contract]:
        return self._iter_list(
            Contract,
            "/contracts",
            self._filters(view_id, department_id, account_id, owner_id, sort_by),
            page_size=page_size,
            max_items=max_items,
        )
