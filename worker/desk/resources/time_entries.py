"""Ticket time entries. Adding one is not idempotent; PUT (replace fields) and delete are."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models import TimeEntry, TimeEntryInput, body_of
from worker.desk.paging import MAX_LIMIT, time_range
from worker.desk.resources._base import Include, PriorityArg, Resource, includes, seg


class TimeEntriesResource(Resource):
    def get(self, ticket_id: str, entry_id: str, *, include: Include = None) -> TimeEntry:
        """`include`: owner."""
        return self._get_one(
            TimeEntry, f"/tickets/{seg(ticket_id)}/timeEntry/{seg(entry_id)}", {"include": includes(include)}
        )

    @staticmethod
    def _filters(
        module: str | None, is_billable: bool | None, order_by: str | None, include: Include
    ) -> dict[str, Any]:
        return {"module": module, "isBillable": is_billable, "orderBy": order_by, "include": includes(include)}

    def list(
        self,
        ticket_id: str,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        module: str | None = None,
        is_billable: bool | None = None,
        order_by: str | None = None,
        include: Include = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
    ) -> list[TimeEntry]:
        """`module`: tickets or tasks; `order_by`: ASC or DESC (by executedTime). `created_from` / `created_to`
        (both or neither): only the entries created in that range (`createdTimeRange`)."""
        params = self._filters(module, is_billable, order_by, include)
        if (created_from is None) != (created_to is None):
            raise ValueError("give both created_from and created_to, or neither")
        if created_from is not None and created_to is not None:
            params["createdTimeRange"] = time_range(created_from, created_to)
        return self._get_list(
            TimeEntry, f"/tickets/{seg(ticket_id)}/timeEntry", {**params, "from": from_, "limit": limit}
        )

    def iter(
        self,
        ticket_id: str,
        *,
        module: str | None = None,
        is_billable: bool | None = None,
        order_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[TimeEntry]:
        return self._iter_list(
            TimeEntry,
            f"/tickets/{seg(ticket_id)}/timeEntry",
            self._filters(module, is_billable, order_by, include),
            page_size=page_size,
            max_items=max_items,
        )

    def create(
        self, ticket_id: str, entry: TimeEntryInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> TimeEntry:
        return self._write(
            TimeEntry,
            "POST",
            f"/tickets/{seg(ticket_id)}/timeEntry",
            json=body_of(entry),
            idempotent=False,
            priority=priority,
        )

    def update(
        self,
        ticket_id: str,
        entry_id: str,
        entry: TimeEntryInput | Mapping[str, Any],
        *,
        priority: PriorityArg = Priority.NORMAL,
    ) -> TimeEntry:
        return self._write(
            TimeEntry,
            "PUT",
            f"/tickets/{seg(ticket_id)}/timeEntry/{seg(entry_id)}",
            json=body_of(entry),
            idempotent=True,
            priority=priority,
        )

    def delete(self, ticket_id: str, entry_id: str, *, priority: PriorityArg = Priority.NORMAL) -> None:
        self._write(
            None,
            "DELETE",
            f"/tickets/{seg(ticket_id)}/timeEntry/{seg(entry_id)}",
            idempotent=True,
            priority=priority,
        )
