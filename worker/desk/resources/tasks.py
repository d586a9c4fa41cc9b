"""Tasks: get, list, create (not idempotent), update (idempotent), a ticket's tasks."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models import Task, TaskInput, body_of
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, PriorityArg, Resource, includes, seg


class TasksResource(Resource):
    def get(self, task_id: str, *, include: Include = None) -> Task:
        """`include`: tickets."""
        return self._get_one(Task, f"/tasks/{seg(task_id)}", {"include": includes(include)})

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
            {"from": from_, "limit": limit, "departmentId": department_id, "sortBy": sort_by,
             "include": includes(include)},
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

    def create(self, data: TaskInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL) -> Task:
        """Not idempotent: raises OutcomeUnknown when the Desk may or may not have created it."""
        return self._write(Task, "POST", "/tasks", json=body_of(data), idempotent=False, priority=priority)

    def update(
        self, task_id: str, data: TaskInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Task:
        return self._write(
            Task, "PATCH", f"/tasks/{seg(task_id)}", json=body_of(data), idempotent=True, priority=priority
        )

    def for_ticket(
        self, ticket_id: str, *, from_: int = 0, limit: int = MAX_LIMIT, is_completed: bool | None = None
    ) -> list[Task]:
        return self._get_list(
            Task, f"/tickets/{seg(ticket_id)}/tasks", {"from": from_, "limit": limit, "isCompleted": is_completed}
        )

    def iter_for_ticket(
        self, ticket_id: str, *, is_completed: bool | None = None, page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Task]:
        return self._iter_list(
            Task, f"/tickets/{seg(ticket_id)}/tasks", {"isCompleted": is_completed}, page_size=page_size,
            max_items=max_items,
        )
