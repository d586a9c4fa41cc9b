"""GET /agentsByIds?agentIds=1,2: the named agents, in the order asked, as GET /agents/{id} shows them.

From the vendor's spec (Agent.json): `agentIds` is required, at most 50; Desk.settings.READ or Desk.basic.READ.
Choices: ids that name no agent of the org are left out; when none does the answer is {"data": []} (the spec
documents only 200 and 422 here, no 204); a missing agentIds is 422 UNPROCESSABLE_ENTITY.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.resources.agents import SCOPES, FewIds, agent_view
from sandbox.resources.layouts import missing


def agents_by_ids(call: Call) -> Reply:
    if "agentIds" not in call.query:
        raise missing("agentIds")
    agents = call.org.agents
    wanted = dict.fromkeys(call.query["agentIds"])
    return ok({"data": [agent_view(call.org, agents[agent_id], ()) for agent_id in wanted if agent_id in agents]})


ENDPOINTS = [Endpoint("GET", "/agentsByIds", agents_by_ids, SCOPES, params={"agentIds": FewIds()})]
