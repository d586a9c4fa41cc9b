"""`POST /_sandbox/presence`: set agents ONLINE or OFFLINE, as agents do by signing in or out (no API does it).

Body: {"orgId": ..., "status": "ONLINE"|"OFFLINE", "agentIds": [...]} (every agent of the org when agentIds is
absent). Answers the org's presence afterwards: {"online": [ids], "offline": [ids]}.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.control_bodies import BadControl, ControlBody, parse_body
from sandbox.presence import ONLINE, presence, set_presence
from sandbox.runtime import Sandbox


class PresenceBody(ControlBody):
    orgId: str
    status: Literal["ONLINE", "OFFLINE"]
    agentIds: list[str] | None = Field(None, min_length=1)


def presence_handler(sandbox: Sandbox) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        body = parse_body(PresenceBody, await request.body())
        org = sandbox.desk.orgs.get(body.orgId)
        if org is None:
            raise BadControl(f"orgId: unknown organisation {body.orgId}")
        ids = body.agentIds if body.agentIds is not None else list(org.agents)
        unknown = [agent_id for agent_id in ids if agent_id not in org.agents]
        if unknown:
            raise BadControl(f"agentIds: no agent {', '.join(unknown)} in org {org.id}")
        for agent_id in ids:
            set_presence(org.agents[agent_id], body.status)
        online = [agent_id for agent_id, agent in org.agents.items() if presence(agent) == ONLINE]
        return JSONResponse({"online": online, "offline": [a for a in org.agents if a not in online]})

    return handle
