"""Departments (read-only here)."""

from __future__ import annotations

from collections.abc import Iterator

from worker.desk.models import Department
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Resource, seg


class DepartmentsResource(Resource):
    def get(self, department_id: str) -> Department:
        return self._get_one(Department, f"/departments/{seg(department_id)}")

    def list(self, *, from_: int = 0, limit: int = MAX_LIMIT, is_enabled: bool | None = None) -> list[Department]:
        return self._get_list(Department, "/departments", {"from": from_, "limit": limit, "isEnabled": is_enabled})

    def iter(
        self, *, is_enabled: bool | None = None, page_size: int = MAX_LIMIT, max_items: int | None = None
    ) -> Iterator[Department]:
        return self._iter_list(
            Department, "/departments", {"isEnabled": is_enabled}, page_size=page_size, max_items=max_items
        )
