"""Layouts of a module (GET /layouts?module=tickets[&departmentId=]; needs Desk.basic.READ), read-only. The Desk
names the module of a ticket layout "Cases" and its status "active" or "inactive"."""

from __future__ import annotations

from worker.desk.models.common import DeskModel, Id, OptId
from worker.desk.resources._base import Resource


class Layout(DeskModel):
    id: Id
    layoutName: str
    layoutDisplayName: str | None = None
    departmentId: OptId = None
    module: str | None = None
    status: str | None = None
    isDefaultLayout: bool | None = None


class LayoutsResource(Resource):
    def list(self, module: str = "tickets", *, department_id: str | None = None) -> list[Layout]:
        return self._get_list(Layout, "/layouts", {"module": module, "departmentId": department_id})
