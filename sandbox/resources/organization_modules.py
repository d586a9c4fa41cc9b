"""GET /organizationModules: the modules the org's records belong to (Desk.settings.READ or Desk.basic.READ).

Choices (the vendor's module file was not at hand): each module is {id, apiName, displayLabel, singularLabel,
pluralLabel, isCustomModule, isVisible}, for the modules the sandbox serves (the apiNames the other endpoints
take: tickets, contacts, accounts, tasks, calls, events, products, contracts, timeEntry); ids are stable per org;
not paged; always 200.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.state import Org, Record

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")
MODULES = (  # apiName, singular, plural
    ("tickets", "Ticket", "Tickets"),
    ("contacts", "Contact", "Contacts"),
    ("accounts", "Account", "Accounts"),
    ("tasks", "Task", "Tasks"),
    ("calls", "Call", "Calls"),
    ("events", "Event", "Events"),
    ("products", "Product", "Products"),
    ("contracts", "Contract", "Contracts"),
    ("timeEntry", "Time Entry", "Time Entries"),
)


def org_modules(org: Org) -> list[Record]:
    return [
        {
            "id": str(org.id_base - 2000 + index),
            "apiName": api_name,
            "displayLabel": plural,
            "singularLabel": singular,
            "pluralLabel": plural,
            "isCustomModule": False,
            "isVisible": True,
        }
        for index, (api_name, singular, plural) in enumerate(MODULES)
    ]


def list_modules(call: Call) -> Reply:
    return ok({"data": org_modules(call.org)})


ENDPOINTS = [Endpoint("GET", "/organizationModules", list_modules, SCOPES)]
