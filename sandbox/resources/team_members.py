"""GET /teams/{team_id}/members: a team's agents as {"members": [...]}, from the vendor's spec (Team.json).

Each member shows firstName, lastName, photoURL, roleId, profileId, emailId, id and zuid; `include=profile,role`
adds {"profile": {id, name}} and {"role": {id, name}}. Scopes: Desk.basic.READ, Desk.settings.READ,
Desk.agents.READ or Desk.teams.READ. Choices where the spec is silent: the members are the team's `agents`
and `derivedAgents` (each once, in that order); an unknown team is 404. A ticket's `teamId` (PATCH /tickets/{id})
must name a team of the ticket's department (else 422 INVALID_DATA); tickets show it once set.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.errors import invalid_data, not_found
from sandbox.params import Param, include
from sandbox.resources.body_fields import BadValue, Field
from sandbox.state import Org, Record

SCOPES = ("Desk.basic.READ", "Desk.settings.READ", "Desk.agents.READ", "Desk.teams.READ")
MEMBER_KEYS = ("firstName", "lastName", "photoURL", "roleId", "profileId", "emailId", "id", "zuid")


def find_team(org: Org, team_id: str) -> Record | None:
    for department in org.departments.values():
        for team in department.get("_teams", ()):
            if str(team.get("id")) == team_id:
                return dict(team)
    return None


class TeamRef(Field):
    """A ticket's `teamId`: the id of an existing team (null clears it)."""

    def parse(self, org: Org, value: Any) -> str:
        text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        if not text.isdigit() or find_team(org, text) is None:
            raise BadValue()
        return text


def check_team(org: Org, team_id: str | None, department_id: str) -> None:
    """A ticket's team must be a team of its department."""
    team = find_team(org, team_id) if team_id else None
    if team_id and (team is None or str(team.get("departmentId")) != department_id):
        raise invalid_data(("teamId", "invalid"))


def _member(agent: Record, embeds: list[str]) -> Record:
    member: Record = {key: agent.get(key) for key in MEMBER_KEYS}
    if "profile" in embeds:
        member["profile"] = {"id": agent.get("profileId"), "name": agent.get("_profileName")}
    if "role" in embeds:
        member["role"] = {"id": agent.get("roleId"), "name": agent.get("_roleName")}
    return member


def team_members(call: Call) -> Reply:
    team = find_team(call.org, call.path["team_id"])
    if team is None:
        raise not_found()
    ids = list(dict.fromkeys([*team.get("agents", ()), *team.get("derivedAgents", ())]))
    embeds = call.query.get("include") or []
    agents = [call.org.agents[agent_id] for agent_id in ids if agent_id in call.org.agents]
    return ok({"members": [_member(agent, embeds) for agent in agents]})


PARAMS: dict[str, Param] = {"include": include("profile", "role")}
ENDPOINTS = [Endpoint("GET", "/teams/{team_id:id}/members", team_members, SCOPES, params=PARAMS)]
