"""GET /layouts?module=tickets[&departmentId=]: the ticket layouts, one per department (the seed's).

Choices where the seed is silent (the vendor's API has the endpoint; the seed does not): a department's layout
is kept on its record (internal `_layout`, written by the seed); only module=tickets is served; not paged.
"""
from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.errors import unprocessable
from sandbox.params import Id, Text
from sandbox.state import Org, Record

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")


def org_layouts(org: Org) -> list[Record]:
    return [dict(department["_layout"]) for department in org.departments.values() if "_layout" in department]


def list_layouts(call: Call) -> Reply:
    if call.query.get("module") != "tickets":
        raise unprocessable("The value passed for the 'module' query parameter is invalid; allowed: tickets.")
    wanted = call.query.get("departmentId")
    return listing([layout for layout in org_layouts(call.org) if wanted in (None, layout["departmentId"])])


ENDPOINTS = [
    Endpoint("GET", "/layouts", list_layouts, SCOPES, params={"module": Text(), "departmentId": Id()}),
]
