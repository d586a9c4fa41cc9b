"""Agent presence (the vendor's AgentPresence.json): GET /onlineAgents?departmentId=-1 lists who is online in
every department the token sees, as {"data": [{"agentId", "status"}], "hasMore", "totalAgentsCount"}; one call
answers up to 6000 agents. Scopes: Desk.basic.READ or Desk.settings.READ."""

from __future__ import annotations

from collections.abc import Mapping

from worker.desk.errors import MalformedResponse
from worker.desk.resources._base import Resource

ALL_DEPARTMENTS = "-1"
MAX_AGENTS = 6000


class PresenceResource(Resource):
    def online_agent_ids(self, department_id: str = ALL_DEPARTMENTS) -> set[str]:
        """The ids of the agents online now (in one department, or every one)."""
        path = "/onlineAgents"
        body = self._t.request("GET", path, params={"departmentId": department_id, "limit": MAX_AGENTS})
        if body is None:
            return set()
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, list) or not all(isinstance(item, Mapping) and item.get("agentId") for item in data):
            raise MalformedResponse('expected {"data": [{"agentId": ...}]}', method="GET", path=path)
        return {str(item["agentId"]) for item in data if str(item.get("status", "ONLINE")).upper() == "ONLINE"}
