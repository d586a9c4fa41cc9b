"""GET /organizationModules: the modules the org's records belong to (Desk.settings.READ or Desk.basic.READ).

From the vendor's spec (Module.json, getOrganizationModulesResponse): {"data": [module]}, a module being {id,
apiName, displayLabel, singularLabel, pluralLabel, description, nameField, isCustomModule, isDeptSpecific,
hasRecycleBin, createdBy, createdTime, modifiedBy, modifiedTime, modifier {id, firstName, lastName, email,
photoURL}}; nameField and isDeptSpecific per module as the spec's example shows them.

Choices where the spec is silent: the modules are those the sandbox serves (the apiNames the other endpoints
take), none custom; ids are stable per org; the org's first agent (its admin) created and last modified each, at
the time the spec's example gives system modules; not paged; always 200.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.records.common import API_ROOT
from sandbox.state import Org, Record

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")
SYSTEM_TIME = "2000-01-01T00:00:00.000Z"
MODULES = (  # apiName, singular, plural, nameField, isDeptSpecific
    ("tickets", "Ticket", "Tickets", "subject", True),
    ("contacts", "Contact", "Contacts", "lastName", False),
    ("accounts", "Account", "Accounts", "accountName", False),
    ("tasks", "Task", "Tasks", "subject", True),
    ("calls", "Call", "Calls", "subject", True),
    ("events", "Event", "Events", "subject", True),
    ("products", "Product", "Products", "productName", False),
    ("contracts", "Contract", "Contracts", "contractName", True),
    ("timeEntry", "Time Entry", "Time Entries", "requestChargeType", True),
)


def _modifier(org: Org) -> Record:
    admin = next(iter(org.agents.values()))
    return {
        "id": admin["id"],
        "firstName": admin.get("firstName"),
        "lastName": admin.get("lastName") or "",
        "email": admin.get("emailId"),
        "photoURL": f"{API_ROOT}/agents/{admin['id']}/photo",
    }


def org_modules(org: Org) -> list[Record]:
    modifier = _modifier(org)
    return [
        {
            "id": str(org.id_base - 2000 + index),
            "apiName": api_name,
            "displayLabel": plural,
            "singularLabel": singular,
            "pluralLabel": plural,
            "description": None,
            "nameField": name_field,
            "isCustomModule": False,
            "isDeptSpecific": per_department,
            "hasRecycleBin": True,
            "createdBy": modifier["id"],
            "createdTime": SYSTEM_TIME,
            "modifiedBy": modifier["id"],
            "modifiedTime": SYSTEM_TIME,
            "modifier": dict(modifier),
        }
        for index, (api_name, singular, plural, name_field, per_department) in enumerate(MODULES)
    ]


def list_modules(call: Call) -> Reply:
    return ok({"data": org_modules(call.org)})


ENDPOINTS = [Endpoint("GET", "/organizationModules", list_modules, SCOPES)]
