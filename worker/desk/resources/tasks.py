"""Tasks: get, list, create (not idempotent), update (idempotent), a ticket's tasks."""

from __future__ import annotations

import builtins
from collections.abc import Iterator

from worker.desk.models import Task, TaskInput
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, RecordResource, includes, seg


class TasksResource(RecordResource[Task, TaskInput, TaskInput]):
    """`get(include=)`: tickets."""

    path = "tasks"
    model = Task

    def list(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
    ) -> list[Task]:
        """`sort_by`: dueDate, createdTime (`-` prefix: descending)."""
        return self._get_list(
            Task,
            "/tasks",
            {
                "from": from_,
                "limit": limit,
                "departmentId": department_id,
                "sortBy": sort_by,
                "include": includes(include),
            },
        )

    def iter(
        self,
        *,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Task]:
        return self._iter_list(
            Task,
            "/tasks",
            {"departmentId": department_id, "sortBy": sort_by, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )

    def for_ticket(
        self,
        ticket_id: str,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        is_completed: bool | None = None,
        sort_by: str | None = None,
    ) -> builtins.list[Task]:  # `list` in this class is the method above
        """A ticket's tasks, oldest first unless `sort_by="-createdTime"`."""
        return self._get_list(
            Task,
            f"/tickets/{seg(ticket_id)}/tasks",
            {"from": from_, "limit": limit, "isCompleted": is_completed, "sortBy": sort_by},
        )

    def iter_for_ticket(
        self,
        ticket_id: str,
        *,
        is_completed: bool | None = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Task]:
        return self._iter_list(
            Task,
            f"/tickets/{seg(ticket_id)}/tasks",
            {"isCompleted": is_completed},
            page_size=page_size,
            max_items=max_items,
        )
