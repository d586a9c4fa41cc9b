"""GET /agentsByIds?agentIds=1,2: the named agents, in the order asked, in the vendor's short agent shape.

From the vendor's spec (Agent.json, getAgentsByIdsResponse via Department.json's agentData): `agentIds` is
required, at most 50; Desk.settings.READ or Desk.basic.READ; each agent has id, zuid, firstName, lastName,
emailId, phone, mobile, extn, status, isConfirmed, roleId, profileId, rolePermissionType,
associatedDepartmentIds, photoURL, aboutInfo, channelExpert and isZiaAgent (not the GET /agents/{id} shape).
Choices: ids that name no agent of the org are left out; when none does the answer is {"data": []} (the spec
documents only 200 and 422 here, no 204); a missing agentIds is 422 UNPROCESSABLE_ENTITY; aboutInfo is null and
channelExpert empty (the sandbox keeps neither).
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.resources.agents import SCOPES, FewIds, permission_type
from sandbox.resources.layouts import missing
from sandbox.state import Record

KEYS = (
    "id",
    "zuid",
    "firstName",
    "lastName",
    "emailId",
    "phone",
    "mobile",
    "extn",
    "status",
    "isConfirmed",
    "roleId",
    "profileId",
    "associatedDepartmentIds",
    "photoURL",
)


def short_agent(agent: Record) -> Record:
    return {
        **{key: agent.get(key) for key in KEYS},
        "rolePermissionType": permission_type(agent),
        "aboutInfo": None,
        "channelExpert": [],
        "isZiaAgent": False,
    }


def agents_by_ids(call: Call) -> Reply:
    if "agentIds" not in call.query:
        raise missing("agentIds")
    agents = call.org.agents
    wanted = dict.fromkeys(call.query["agentIds"])
    return ok({"data": [short_agent(agents[agent_id]) for agent_id in wanted if agent_id in agents]})


ENDPOINTS = [Endpoint("GET", "/agentsByIds", agents_by_ids, SCOPES, params={"agentIds": FewIds()})]
