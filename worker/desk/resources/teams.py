"""Teams (read-only): GET /teams answers {"teams": [...]}, not the usual {"data": [...]}."""
from __future__ import annotations

from collections.abc import Mapping

from worker.desk.errors import MalformedResponse
from worker.desk.models.common import DeskModel, Id, OptId
from worker.desk.resources._base import Resource


class Team(DeskModel):
    id: Id
    name: str
    departmentId: OptId = None
    description: str | None = None


class TeamsResource(Resource):
    def list(self) -> list[Team]:
        """Every team of the organisation (not paged)."""
        body = self._t.request("GET", "/teams")
        if body is None:
            return []
        if not isinstance(body, Mapping) or not isinstance(body.get("teams"), list):
            raise MalformedResponse('expected {"teams": [...]}', method="GET", path="/teams")
        return self._many(Team, {"data": body["teams"]}, "GET", "/teams")
