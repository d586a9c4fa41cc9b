"""Agents: GET /agents/{id} (include profile, role, associatedDepartments, associatedChatDepartments) and
GET /agents with the vendor's filters (status, isConfirmed, departmentIds, roleIds, profileIds,
rolePermissionType, searchStr) and `include=profile,role`.

Choices where the seed is silent:
- Either scope the seed names (Desk.settings.READ or Desk.basic.READ) suffices: both grant reading agents.
- `limit` is 1..200, default 10 (the seed); lists run in the org's order (the administrator first).
- rolePermissionType is derived from the agent's profile: "Administrator" is Admin, "Agent" is AgentPublic,
  "Light Agent" is Light, any other profile is Custom; `${NON_LIGHT}` is every agent but Light ones.
- `searchStr`: `abc*` is a prefix, `*abc*` a substring, `abc` an exact match, of firstName, lastName or emailId,
  without case (the vendor's spec).
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found, unprocessable
from sandbox.listing import page
from sandbox.params import FROM, Choice, Flag, Ids, Integer, Param, include
from sandbox.records.vendor_fields import agent_extras
from sandbox.state import Org, Record, public

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")
MAX_IDS = 50
ROLE_PERMISSION_TYPES = (
    "AgentPublic",
    "AgentPersonal",
    "AgentTeamPersonal",
    "Admin",
    "Light",
    "Custom",
    "${NON_LIGHT}",
)
PERMISSION_OF_PROFILE = {"Administrator": "Admin", "Agent": "AgentPublic", "Light Agent": "Light"}


class FewIds(Ids):
    """A comma list of at most MAX_IDS ids, as the vendor's spec allows."""

    def parse(self, name: str, raw: str) -> list[str]:
        ids = super().parse(name, raw)
        if len(ids) > MAX_IDS:
            raise unprocessable(f"At most {MAX_IDS} ids may be passed in '{name}'.")
        return ids


class SearchText(Param):
    """`searchStr`: at least one character (the vendor's spec)."""

    def parse(self, name: str, raw: str) -> str:
        if not raw.strip(" *"):
            raise unprocessable(f"The value passed for the '{name}' query parameter is invalid.")
        return raw


def text_search(values: list[Any], pattern: str) -> bool:
    """`abc*` prefix, `*abc*` substring, else exact; without case."""
    texts = [str(value).lower() for value in values if value]
    wanted = pattern.strip().lower()
    if wanted.startswith("*") and wanted.endswith("*") and len(wanted) > 1:
        return any(wanted.strip("*") in text for text in texts)
    if wanted.endswith("*"):
        return any(text.startswith(wanted[:-1]) for text in texts)
    return wanted in texts


def permission_type(agent: Record) -> str:
    return PERMISSION_OF_PROFILE.get(agent.get("_profileName") or "", "Custom")


def _named(record_id: str | None, name: str | None) -> Record | None:
    return None if record_id is None else {"name": name, "id": record_id}


def _departments(org: Org, ids: list[str]) -> list[Record]:
    return [{"name": org.departments[i]["name"], "id": i} for i in ids if i in org.departments]


def agent_view(org: Org, agent: Record, embeds: Any) -> Record:
    """The agent's fields over the vendor's always-present ones (name, rolePermissionType, timeZone...)."""
    view = {**agent_extras(agent, permission_type(agent)), **public(agent)}
    if "profile" in embeds:
        view["profile"] = _named(agent.get("profileId"), agent.get("_profileName"))
    if "role" in embeds:
        view["role"] = _named(agent.get("roleId"), agent.get("_roleName"))
    if "associatedDepartments" in embeds:
        view["associatedDepartments"] = _departments(org, agent.get("associatedDepartmentIds", []))
    if "associatedChatDepartments" in embeds:
        view["associatedChatDepartments"] = _departments(org, agent.get("associatedChatDepartmentIds", []))
    return view


def get_agent(call: Call) -> Reply:
    agent = call.org.agents.get(call.path["agent_id"])
    if agent is None:
        raise not_found()
    return ok(agent_view(call.org, agent, call.query.get("include", ())))


def _keeps(agent: Record, query: dict[str, Any]) -> bool:
    if "status" in query and agent.get("status") != query["status"]:
        return False
    if "isConfirmed" in query and agent.get("isConfirmed") != query["isConfirmed"]:
        return False
    if "departmentIds" in query and not set(query["departmentIds"]) & set(agent.get("associatedDepartmentIds", [])):
        return False
    if "roleIds" in query and agent.get("roleId") not in query["roleIds"]:
        return False
    if "profileIds" in query and agent.get("profileId") not in query["profileIds"]:
        return False
    wanted_type = query.get("rolePermissionType")
    if wanted_type == "${NON_LIGHT}" and permission_type(agent) == "Light":
        return False
    if wanted_type not in (None, "${NON_LIGHT}") and permission_type(agent) != wanted_type:
        return False
    fields = [agent.get("firstName"), agent.get("lastName"), agent.get("emailId")]
    return "searchStr" not in query or text_search(fields, query["searchStr"])


def list_agents(call: Call) -> Reply:
    agents = [agent for agent in call.org.agents.values() if _keeps(agent, call.query)]
    embeds = call.query.get("include", ())
    # a listed agent also shows isZiaAgent, which the vendor's agentListArray requires and one agent's schema lacks
    items = [{**agent_view(call.org, agent, embeds), "isZiaAgent": False} for agent in page(agents, call.query)]
    return listing(items)


LIST_PARAMS: dict[str, Param] = {
    "from": FROM,
    "limit": Integer(minimum=1, maximum=200),
    "status": Choice(values=("ACTIVE", "DISABLED")),
    "isConfirmed": Flag(),
    "departmentIds": FewIds(),
    "roleIds": FewIds(),
    "profileIds": FewIds(),
    "rolePermissionType": Choice(values=ROLE_PERMISSION_TYPES),
    "searchStr": SearchText(),
    "include": include("profile", "role"),
}
ENDPOINTS = [
    Endpoint("GET", "/agents", list_agents, SCOPES, params=LIST_PARAMS),
    Endpoint(
        "GET",
        "/agents/{agent_id:id}",
        get_agent,
        SCOPES,
        params={"include": include("profile", "role", "associatedDepartments", "associatedChatDepartments")},
    ),
]
