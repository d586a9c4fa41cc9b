"""GET /organizationFields?module=tickets: the ticket fields, standard and custom, with picklists' allowedValues.

Choices where the seed is silent (the vendor's API has the endpoint; the seed does not):
- Only module=tickets is served (the fields rules test and set); another module is refused with 422.
- The fields are the sandbox's own: statuses and channels the ticket endpoints accept, the seed's priorities and
  categories, and the layout's custom fields (TICKET_CUSTOM_FIELDS; the custom field's `apiName` is `cf_` and
  its label in snake case, as the Desk names them; `ModelName` is a picklist of the seed's models).
- Either scope Desk.settings.READ or Desk.basic.READ suffices; the list is not paged (as the vendor's).
"""
from __future__ import annotations

import re

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.errors import unprocessable
from sandbox.params import Text
from sandbox.records import THREAD_CHANNELS, TICKET_CUSTOM_FIELDS
from sandbox.resources.tickets import TICKET_STATUSES
from sandbox.state import Org, Record
from sandbox.story import CATEGORIES, MODEL_NAMES, PRIORITY_WEIGHTS

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")
MODULES = ("tickets",)
# apiName, displayLabel, type, allowedValues (None: not a picklist)
STANDARD_FIELDS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("subject", "Subject", "Text", None),
    ("departmentId", "Department", "LookUp", None),
    ("contactId", "Contact Name", "LookUp", None),
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
CUSTOM_TYPES = {"secondaryEmail": "Email", "ModelName": "Picklist", "severityPercentage": "Percent",
                "phone": "Phone", "numberOfItems": "Number", "dateofPurchase": "Date",
                "permanentAddress": "Textarea", "url": "URL"}
CUSTOM_VALUES = {"ModelName": MODEL_NAMES}


def custom_api_name(label: str) -> str:
    """`ModelName` -> `cf_model_name`: the Desk's api name of a custom field."""
    return "cf_" + re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


def ticket_fields(org: Org) -> list[Record]:
    fields: list[Record] = []
    specs = [(name, label, kind, values, False) for name, label, kind, values in STANDARD_FIELDS]
    specs += [(custom_api_name(label), label, CUSTOM_TYPES.get(label, "Text"), CUSTOM_VALUES.get(label), True)
              for label in TICKET_CUSTOM_FIELDS]
    for index, (api_name, label, kind, values, custom) in enumerate(specs):
        field: Record = {"displayLabel": label, "apiName": api_name, "isCustomField": custom,
                         "showToHelpCenter": not custom, "isEncryptedField": False,
                         "id": str(org.id_base - 1000 + index), "type": kind, "maxLength": 255,
                         "isMandatory": api_name in ("subject", "departmentId", "contactId")}
        if values is not None:
            field["allowedValues"] = list(values)
        fields.append(field)
    return fields


def list_fields(call: Call) -> Reply:
    module = call.query.get("module")
    if module not in MODULES:
        raise unprocessable("The value passed for the 'module' query parameter is invalid; "
                            f"allowed: {', '.join(MODULES)}.")
    return listing(ticket_fields(call.org))


ENDPOINTS = [
    Endpoint("GET", "/organizationFields", list_fields, SCOPES, params={"module": Text()}),
]
