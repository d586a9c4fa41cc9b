"""Teams (read-only): GET /teams and GET /departments/{id}/teams answer {"teams": [...]}, not the usual
{"data": [...]} (the vendor's Team.json); neither is paged nor takes a query parameter."""

from __future__ import annotations

from collections.abc import Mapping

from worker.desk.errors import MalformedResponse
from worker.desk.models.common import DeskModel, Id, Ids, OptId
from worker.desk.resources._base import Resource, seg


class Team(DeskModel):
    id: Id
    name: str
    departmentId: OptId = None
    description: str | None = None
    agents: Ids = []  # members added directly
    derivedAgents: Ids = []  # every member, through roles and sub-teams too
    subTeams: Ids = []


class TeamsResource(Resource):
    def list(self, department_id: str | None = None) -> list[Team]:
        """Every team of the departments the token's user belongs to, or of one department."""
        path = "/teams" if department_id is None else f"/departments/{seg(department_id)}/teams"
        body = self._t.request("GET", path)
        if body is None:
            return []
        if not isinstance(body, Mapping) or not isinstance(body.get("teams"), list):
            raise MalformedResponse('expected {"teams": [...]}', method="GET", path=path)
        return self._many(Team, {"data": body["teams"]}, "GET", path)
