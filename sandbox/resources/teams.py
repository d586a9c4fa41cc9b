"""GET /teams: every team of the organisation, answered as {"teams": [...]} (the vendor's shape, not "data").

Choices where the seed is silent (the vendor's API has the endpoint; the seed does not): teams are kept on their
department's record (internal `_teams`, written by the seed), one per department; not paged.
"""
from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.state import Org, Record

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")


def org_teams(org: Org) -> list[Record]:
    return [dict(team) for department in org.departments.values() for team in department.get("_teams", ())]


def list_teams(call: Call) -> Reply:
    return ok({"teams": org_teams(call.org)})


ENDPOINTS = [Endpoint("GET", "/teams", list_teams, SCOPES)]
