"""GET /organizationFields?module=tickets[&departmentId=][&apiNames=]: a module's fields, standard and custom.

From the vendor's spec (Field.json): `module` is required (MODULES), `departmentId` optional; the scope is
Desk.settings.READ alone; the answer is {"data": [...]}. Each field has the commonFieldResponse keys (apiName,
displayLabel, i18NLabel, name, id, type, isCustomField, isEncryptedField, isMandatory, isTrackLastActivityTime,
maxLength) and, in the tickets module, showToHelpCenter. A picklist's `allowedValues` are objects {"value": ...};
the status field's also carry their `statusType` (Open, On Hold, Closed).

Choices where the spec is silent:
- `apiNames` (a comma list) keeps only those fields: integrators' clients send it (Pipedream's Zoho Desk app asks
  `apiNames=status` and reads the first field's allowedValues), though the spec does not list it.
- The fields are the sandbox's own: statuses and channels the ticket endpoints accept, the seed's priorities and
  categories, and the layout's custom fields (records/custom_fields.py; a custom field's `apiName` is `cf_` and its
  label in snake case, its `name` the label, as the spec's examples show; `ModelName` lists the seed's models).
  A standard field's `name` is its apiName. maxLength: 255 for text, 120 for picklists, lookups, emails and
  phones, 300 for dates (the spec's examples); the other types' are the sandbox's own.
- Every department shares one ticket layout, so `departmentId` (which must name a department: 422 otherwise)
  does not change the list. Tickets, contacts and accounts have fields (each its standard fields and its layout's
  custom fields, records/custom_fields.py); the other modules answer 204.
- Not paged (the spec has no from/limit here); a missing `module` is 422 UNPROCESSABLE_ENTITY.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.errors import unprocessable
from sandbox.params import Choice, Id, Param
from sandbox.records import THREAD_CHANNELS
from sandbox.records.custom_fields import fields_of
from sandbox.resources.layouts import missing
from sandbox.resources.tickets import TICKET_STATUSES
from sandbox.state import Org, Record, status_type
from sandbox.story import CATEGORIES, PRIORITY_WEIGHTS

SCOPES = ("Desk.settings.READ",)
MODULES = ("tickets", "contacts", "accounts", "tasks", "calls", "events", "contracts", "products")
# apiName, displayLabel, type, allowedValues (None: not a picklist)
STANDARD_FIELDS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("subject", "Subject", "Text", None),
    ("departmentId", "Department", "LookUp", None),
    ("contactId", "Contact Name", "LookUp", None),
    ("accountId", "Account Name", "LookUp", None),
    ("email", "Email", "Email", None),
    ("phone", "Phone", "Phone", None),
    ("status", "Status", "Picklist", TICKET_STATUSES),
    ("priority", "Priority", "Picklist", tuple(PRIORITY_WEIGHTS)),
    ("channel", "Channel", "Picklist", tuple(THREAD_CHANNELS)),
    ("category", "Category", "Picklist", tuple(dict.fromkeys(CATEGORIES.values()))),
    ("subCategory", "Sub Category", "Text", None),
    ("classification", "Classification", "Text", None),
    ("assigneeId", "Ticket Owner", "LookUp", None),
    ("productId", "Product Name", "LookUp", None),
    ("dueDate", "Due Date", "DateTime", None),
    ("description", "Description", "Textarea", None),
    ("resolution", "Resolution", "Textarea", None),
)
CONTACT_FIELDS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("lastName", "Last Name", "Text", None),
    ("firstName", "First Name", "Text", None),
    ("email", "Email", "Email", None),
    ("secondaryEmail", "Secondary Email", "Email", None),
    ("phone", "Phone", "Phone", None),
    ("mobile", "Mobile", "Phone", None),
    ("accountId", "Account Name", "LookUp", None),
    ("ownerId", "Contact Owner", "LookUp", None),
    ("type", "Type", "Picklist", ("paid", "trial")),
    ("title", "Title", "Text", None),
    ("description", "Description", "Textarea", None),
    ("city", "City", "Text", None),
    ("country", "Country", "Text", None),
)
ACCOUNT_FIELDS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("accountName", "Account Name", "Text", None),
    ("email", "Email", "Email", None),
    ("website", "Website", "URL", None),
    ("phone", "Phone", "Phone", None),
    ("industry", "Industry", "Text", None),
    ("ownerId", "Account Owner", "LookUp", None),
    ("city", "City", "Text", None),
    ("country", "Country", "Text", None),
    ("description", "Description", "Textarea", None),
)
STANDARD = {"tickets": STANDARD_FIELDS, "contacts": CONTACT_FIELDS, "accounts": ACCOUNT_FIELDS}
MANDATORY = frozenset({"subject", "departmentId", "contactId", "status", "lastName", "accountName"})
MAX_LENGTHS = {
    "LookUp": 120,
    "Picklist": 120,
    "Email": 120,
    "Phone": 120,
    "DateTime": 300,
    "Date": 300,
    "Textarea": 65535,
    "Number": 9,
    "Percent": 5,
    "URL": 255,
}


class ApiNames(Param):
    """A comma list of field api names."""

    def parse(self, name: str, raw: str) -> list[str]:
        names = [part.strip() for part in raw.split(",") if part.strip()]
        if not names:
            raise unprocessable(f"The value passed for the '{name}' query parameter is invalid.")
        return names


def allowed_values(api_name: str, values: tuple[str, ...]) -> list[dict[str, Any]]:
    if api_name == "status":
        return [{"value": value, "statusType": status_type(value)} for value in values]
    return [{"value": value} for value in values]


def _field(
    org: Org, index: int, api_name: str, label: str, kind: str, values: tuple[str, ...] | None, custom: bool
) -> Record:
    field: Record = {
        "id": str(org.id_base - 1000 + index),
        "apiName": api_name,
        "name": label if custom else api_name,
        "displayLabel": label,
        "i18NLabel": label,
        "type": kind,
        "isCustomField": custom,
        "isMandatory": api_name in MANDATORY,
        "isEncryptedField": False,
        "isTrackLastActivityTime": False,
        "maxLength": MAX_LENGTHS.get(kind, 255),
        "showToHelpCenter": not custom,
    }
    if values is not None:
        field["allowedValues"] = allowed_values(api_name, values)
    return field


MODULE_ID_BLOCK = {"tickets": 0, "contacts": 100, "accounts": 200}  # field ids stay distinct across modules


def module_fields(org: Org, module: str) -> list[Record]:
    """A module's standard fields, then its layout's custom fields (api name cf_..., name its label)."""
    if module not in STANDARD:
        return []
    specs = [(name, label, kind, values, False) for name, label, kind, values in STANDARD[module]]
    specs += [(f.api_name, f.label, f.kind, f.values or None, True) for f in fields_of(module)]
    block = MODULE_ID_BLOCK[module]
    fields = [_field(org, block + index, *spec) for index, spec in enumerate(specs)]
    if module != "tickets":  # showToHelpCenter is the tickets module's
        for field in fields:
            del field["showToHelpCenter"]
    return fields


def list_fields(call: Call) -> Reply:
    query = call.query
    if "module" not in query:
        raise missing("module")
    if "departmentId" in query and query["departmentId"] not in call.org.departments:
        raise unprocessable("The value passed for the 'departmentId' query parameter is invalid.")
    fields = module_fields(call.org, query["module"])
    if "apiNames" in query:
        fields = [field for field in fields if field["apiName"] in query["apiNames"]]
    return listing(fields)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/organizationFields",
        list_fields,
        SCOPES,
        params={"module": Choice(values=MODULES), "departmentId": Id(), "apiNames": ApiNames()},
    ),
]
