"""Layouts of a module (GET /layouts?module=tickets), read-only."""
from __future__ import annotations

from worker.desk.models.common import DeskModel, Id, OptId
from worker.desk.resources._base import Resource


class Layout(DeskModel):
    id: Id
    layoutName: str
    departmentId: OptId = None
    isDefaultLayout: bool | None = None


class LayoutsResource(Resource):
    def list(self, module: str = "tickets", *, department_id: str | None = None) -> list[Layout]:
        return self._get_list(Layout, "/layouts", {"module": module, "departmentId": department_id})
