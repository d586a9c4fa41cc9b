"""GET /layouts?module=tickets[&departmentId=][&id=]: a module's layouts, {"data": [...]} or 204 when none.

From the vendor's spec (Layout.json): `module` is required and one of MODULES; `departmentId` and `id` (a layout's
id) are optional filters; the scope is Desk.basic.READ alone. Each layout shows the basicLayoutJson keys
(id, layoutName, layoutDisplayName, layoutDesc, isDefaultLayout, isStandardLayout, hasLogo, photoURL,
skipDeptAccessValidation, status "active"/"inactive", createdBy/createdTime/modifiedBy/modifiedTime), its
`layoutProfiles` ({id, profileName, isDefault, type}), `module` as the Desk names it ("Cases" for tickets) and,
for departmental modules, `departmentId`.

Choices where the spec is silent or torn: times are ISO-8601 strings as the schema's pattern says (its examples
show epoch milliseconds); a department's ticket layout is kept on its record (internal `_layout`, written by the
seed); contacts and accounts have one org-wide layout each (records/vendor_fields.module_layout, the layoutId
their records show), with no departmentId; the other modules answer 204; an unknown department or
layout id filters everything out (204), as list filters do; a missing `module` is 422 UNPROCESSABLE_ENTITY.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.errors import ApiError, unprocessable
from sandbox.params import Choice, Id
from sandbox.records.vendor_fields import module_layout
from sandbox.state import Org, Record

SCOPES = ("Desk.basic.READ",)
MODULES = ("tickets", "contacts", "contracts", "accounts", "products", "calls", "tasks", "events", "timeEntry")
# The seed's profile names -> the spec's profile type enum and whether the Desk ships the profile.
ORG_WIDE = {"contacts": "Contacts", "accounts": "Accounts"}  # module -> the Desk's name for it
PROFILE_TYPES = {"Administrator": ("Administrator", True), "Agent": ("Standard", True), "Light Agent": ("Light", True)}


def missing(name: str) -> ApiError:
    """A required query parameter left out (the wording of the /search check)."""
    return unprocessable(f"The query parameter '{name}' is mandatory.")


def layout_profiles(org: Org) -> list[Record]:
    """The org's agent profiles (every profile sees the default layout), in the order agents first show them."""
    seen: dict[str, Record] = {}
    for agent in org.agents.values():
        profile_id, name = agent.get("profileId"), agent.get("_profileName")
        if profile_id and profile_id not in seen:
            kind, default = PROFILE_TYPES.get(name or "", ("Custom", False))
            seen[profile_id] = {"id": profile_id, "profileName": name, "isDefault": default, "type": kind}
    return list(seen.values())


def layout_view(org: Org, layout: Record) -> Record:
    view = {
        "hasLogo": False,
        "isStandardLayout": bool(layout.get("isDefaultLayout")),
        "photoURL": None,
        "skipDeptAccessValidation": False,
        "layoutDesc": None,
        **layout,
    }
    view["layoutProfiles"] = layout_profiles(org)
    return view


def org_layouts(org: Org, module: str = "tickets") -> list[Record]:
    if module in ORG_WIDE:
        return [layout_view(org, module_layout_record(org, module))]
    if module != "tickets":
        return []
    return [layout_view(org, d["_layout"]) for d in org.departments.values() if "_layout" in d]


def module_layout_record(org: Org, module: str) -> Record:
    """The org-wide layout of contacts or accounts, made as the seed makes a department's ticket layout."""
    layout = module_layout(org, module)
    ticket_layout: Record = next((d["_layout"] for d in org.departments.values() if "_layout" in d), {})
    return {
        **layout,
        "layoutDisplayName": layout["layoutName"],
        "layoutDesc": f"{module.title()} layout of {org.profile.get('companyName')}",
        "module": ORG_WIDE[module],
        "isDefaultLayout": True,
        "status": "active",
        **{key: ticket_layout.get(key) for key in ("createdBy", "createdTime", "modifiedBy", "modifiedTime")},
    }


def list_layouts(call: Call) -> Reply:
    query = call.query
    if "module" not in query:
        raise missing("module")
    layouts = org_layouts(call.org, query["module"])
    for key in ("departmentId", "id"):
        if key in query:
            layouts = [layout for layout in layouts if layout.get(key) == query[key]]
    return listing(layouts)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/layouts",
        list_layouts,
        SCOPES,
        params={"module": Choice(values=MODULES), "departmentId": Id(), "id": Id()},
    ),
]
