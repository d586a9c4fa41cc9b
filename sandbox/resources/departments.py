"""Departments: GET /departments/{id} and GET /departments (isEnabled, chatStatus, searchStr filters).

Choices where the seed is silent:
- Either scope the seed names (Desk.settings.READ or Desk.basic.READ) suffices.
- `isDefault` is shown by the list only, as the seed's examples show it.
- `limit` is 1..200, default 10 (the seed); lists run in the org's order (the default department first).
- chatStatus is derived: a department some agent serves on chat (associatedChatDepartmentIds) is AVAILABLE,
  otherwise its chat is NOT_CREATED; a disabled department's chat is DISABLED. `${UNAVAILABLE}` is every
  department whose chat is not AVAILABLE.
- `searchStr` matches the department's name as agents' searchStr does (`abc*`, `*abc*`, exact).
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page
from sandbox.params import FROM, Choice, Flag, Integer, Param
from sandbox.records.vendor_fields import department_extras
from sandbox.resources.agents import SearchText, text_search
from sandbox.state import Org, Record, public

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")
CHAT_STATUSES = ("AVAILABLE", "DISABLED", "NOT_CREATED", "${UNAVAILABLE}")


def chat_status(org: Org, department: Record) -> str:
    if not department.get("isEnabled", True):
        return "DISABLED"
    served = any(department["id"] in agent.get("associatedChatDepartmentIds", []) for agent in org.agents.values())
    return "AVAILABLE" if served else "NOT_CREATED"


def department_view(org: Org, department: Record) -> Record:
    """A department as GET /departments/{id} shows it: the seed's fields (isDefault is the list's) over the
    vendor's always-present ones (records/vendor_fields.py), which include isDefault again."""
    view = public(department)
    view.pop("isDefault", None)
    return {**department_extras(org, department, chat_status(org, department)), **view}


def get_department(call: Call) -> Reply:
    department = call.org.departments.get(call.path["department_id"])
    if department is None:
        raise not_found()
    return ok(department_view(call.org, department))


def _list_item(org: Org, department: Record) -> Record:
    """A listed department: the seed's list fields over the vendor's always-present ones (departmentListViewArray
    requires chatStatus, createdTime, isAssignToTeamEnabled and sanitizedName too)."""
    return {**department_extras(org, department, chat_status(org, department)), **public(department)}


def _keeps(org: Org, department: Record, query: dict[str, Any]) -> bool:
    if "isEnabled" in query and department.get("isEnabled") != query["isEnabled"]:
        return False
    wanted = query.get("chatStatus")
    status = chat_status(org, department) if wanted else None
    if wanted == "${UNAVAILABLE}" and status == "AVAILABLE":
        return False
    if wanted not in (None, "${UNAVAILABLE}") and status != wanted:
        return False
    return "searchStr" not in query or text_search([department.get("name")], query["searchStr"])


def list_departments(call: Call) -> Reply:
    departments = [d for d in call.org.departments.values() if _keeps(call.org, d, call.query)]
    return listing([_list_item(call.org, department) for department in page(departments, call.query)])


LIST_PARAMS: dict[str, Param] = {
    "from": FROM,
    "limit": Integer(minimum=1, maximum=200),
    "isEnabled": Flag(),
    "chatStatus": Choice(values=CHAT_STATUSES),
    "searchStr": SearchText(),
}
ENDPOINTS = [
    Endpoint("GET", "/departments", list_departments, SCOPES, params=LIST_PARAMS),
    Endpoint("GET", "/departments/{department_id:id}", get_department, SCOPES),
]
