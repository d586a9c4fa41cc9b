"""GET /teams and GET /departments/{id}/teams: teams answered as {"teams": [...]} (the vendor's envelope, not "data").

From the vendor's spec (Team.json): both lists take no query parameter (any is refused, as everywhere), need
Desk.settings.READ or Desk.basic.READ, and show each team with id, name, description, departmentId, roles,
rolesWithSubordinates, agents, subTeams, derivedAgents and logoUrl (ids as strings, logoUrl null).

Choices where the spec is silent: teams are kept on their department's record (internal `_teams`, written by
the seed); the lists are not paged; no teams answers {"teams": []} (the spec documents no 204 here); an unknown
department in the path answers 404 as GET /departments/{id} does. The token acts as the org's administrator, who
belongs to every department, so GET /teams shows every team.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.errors import not_found
from sandbox.state import Org, Record

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")
TEAM_KEYS = (
    "id",
    "name",
    "description",
    "departmentId",
    "roles",
    "rolesWithSubordinates",
    "agents",
    "subTeams",
    "derivedAgents",
    "logoUrl",
)


def team_view(team: Record) -> Record:
    """The vendor's teamResponse: every key present (lists empty, logoUrl null when unset)."""
    return {key: team.get(key, None if key in ("description", "logoUrl") else []) for key in TEAM_KEYS}


def department_teams(department: Record) -> list[Record]:
    return [team_view(team) for team in department.get("_teams", ())]


def org_teams(org: Org) -> list[Record]:
    return [team for department in org.departments.values() for team in department_teams(department)]


def list_teams(call: Call) -> Reply:
    return ok({"teams": org_teams(call.org)})


def list_department_teams(call: Call) -> Reply:
    department = call.org.departments.get(call.path["department_id"])
    if department is None:
        raise not_found()
    return ok({"teams": department_teams(department)})


ENDPOINTS = [
    Endpoint("GET", "/teams", list_teams, SCOPES),
    Endpoint("GET", "/departments/{department_id:id}/teams", list_department_teams, SCOPES),
]
