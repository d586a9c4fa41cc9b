"""Agent presence: GET /onlineAgents, /offlineAgents and /agentAvailability, from the vendor's spec
(AgentPresence.json).

Each takes `departmentId` (required; `-1` for every department) and `include` (chatStatus, mailStatus,
phoneStatus, presenceStatus, phoneMode); /onlineAgents and /offlineAgents take `limit` (1..6000, default 20),
/agentAvailability `limit` (1..50, default 50) and `from` (0..5999). The answer is
{"data": [{"agentId", "status", ...included channels}], "hasMore", "totalAgentsCount"}. Scopes:
Desk.basic.READ or Desk.settings.READ.

Choices where the spec is silent: presence is sandbox/presence.py's (ACTIVE agents start ONLINE, a disabled
agent is never online); every channel status follows the one presence (phoneMode WEB); an empty list answers
200 with `data: []` (the spec's schema requires `data`); an unknown department is 422 INVALID_DATA.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.errors import invalid_data
from sandbox.params import Integer, Param, include
from sandbox.presence import OFFLINE, ONLINE, presence
from sandbox.state import Org, Record

SCOPES = ("Desk.basic.READ", "Desk.settings.READ")
CHANNELS = ("chatStatus", "mailStatus", "phoneStatus", "presenceStatus", "phoneMode")
ALL_DEPARTMENTS = "-1"


def _department_agents(org: Org, department_id: Any) -> list[Record]:
    text = str(department_id).strip()
    if text == ALL_DEPARTMENTS:
        return list(org.agents.values())
    if text not in org.departments:
        raise invalid_data(("departmentId", "invalid"))
    return [agent for agent in org.agents.values() if text in agent.get("associatedDepartmentIds", ())]


def _entry(agent: Record, channels: list[str]) -> Record:
    status = presence(agent)
    entry: Record = {"agentId": agent["id"], "status": status}
    for channel in channels:
        entry[channel] = "WEB" if channel == "phoneMode" else status
    return entry


def _answer(call: Call, wanted: str | None, default_limit: int) -> Reply:
    department_id = call.query.get("departmentId")
    if department_id is None:
        raise invalid_data(("departmentId", "missing"))
    agents = [a for a in _department_agents(call.org, department_id) if wanted is None or presence(a) == wanted]
    start = call.query.get("from", 0)
    limit = call.query.get("limit", default_limit)
    shown = agents[start : start + limit]
    channels = call.query.get("include") or []
    return ok(
        {
            "data": [_entry(agent, channels) for agent in shown],
            "hasMore": start + limit < len(agents),
            "totalAgentsCount": str(len(agents)),
        }
    )


def online_agents(call: Call) -> Reply:
    return _answer(call, ONLINE, 20)


def offline_agents(call: Call) -> Reply:
    return _answer(call, OFFLINE, 20)


def availability(call: Call) -> Reply:
    return _answer(call, None, 50)


class DepartmentOrAll(Param):
    """A department id, or -1 for every department."""

    def parse(self, name: str, raw: str) -> str:
        if raw != ALL_DEPARTMENTS and not raw.isdigit():
            raise invalid_data((name, "invalid"))
        return raw


INCLUDE = include(*CHANNELS)
PRESENCE_PARAMS: dict[str, Param] = {
    "departmentId": DepartmentOrAll(),
    "limit": Integer(minimum=1, maximum=6000),
    "include": INCLUDE,
}
AVAILABILITY_PARAMS: dict[str, Param] = {
    "departmentId": DepartmentOrAll(),
    "limit": Integer(minimum=1, maximum=50),
    "from": Integer(minimum=0, maximum=5999),
    "include": INCLUDE,
}

ENDPOINTS = [
    Endpoint("GET", "/onlineAgents", online_agents, SCOPES, params=PRESENCE_PARAMS),
    Endpoint("GET", "/offlineAgents", offline_agents, SCOPES, params=PRESENCE_PARAMS),
    Endpoint("GET", "/agentAvailability", availability, SCOPES, params=AVAILABILITY_PARAMS),
]
