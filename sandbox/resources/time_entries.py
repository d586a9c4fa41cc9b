"""Ticket time entries: GET (list and one), POST, PUT, DELETE /tickets/{ticket_id}/timeEntry[/{timeEntry_id}].

totalCost is always derived (hours, minutes and seconds x agentCostPerHour + additionalCost); a client's totalCost
is ignored, as a read-only field. Writes keep the ticket's timeEntryCount and move its modifiedTime.
Choices where the seed is silent (from the vendor's spec unless said): creates answer 200, deletes 204 with no body;
lists are ordered by executedTime (`orderBy=ASC|DESC`); description is at most 100 characters; requestChargeType is one
of the spec's four values; minutes and seconds are 0-59 (our choice); an entry is billable unless `isBillable: false`,
and nothing is ever "billed" in the sandbox; `module=tasks` asks for the time logged on the ticket's tasks, which the
sandbox does not keep, so it is always empty; an entry created without an ownerId is the creating agent's (the vendor's
schema has `include=owner` always answer an owner). An entry also shows the keys the vendor's ticketTimeEntryResponse
requires (createdBy, departmentId, isBillable, requestId, parent {id, ticketNumber, subject, type TICKET}, mode MANUAL,
and cf {}, fixedCost, invoiceId, layoutId, layoutDetails, taskId null: the sandbox keeps no time-entry layout, invoice
or task time); a listed entry adds billingType, always SPECIFIC_COST_PER_AGENT (each entry carries its agent's cost per
hour; the spec's enum has no null).
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.clock import parse_time
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Choice, Flag, TimeRange, include
from sandbox.records import compute_total_cost, full_name, new_time_entry
from sandbox.records.common import amount_text, count_text
from sandbox.resources.body_fields import Amount, Boolean, Object, OneOf, Ref, Text, Timestamp, Whole, read_fields
from sandbox.resources.ticket_children import delete_child, path_child, path_ticket
from sandbox.state import Org, Record, public

READ = ("Desk.tickets.READ",)
UPDATE = ("Desk.tickets.UPDATE",)
CHARGE_TYPES = ("Customer Service", "Upgrade Request", "Product Consultation", "Support and Maintenance")
FIELDS = {
    "hoursSpent": Whole(),
    "minutesSpent": Whole(maximum=59),
    "secondsSpent": Whole(maximum=59),
    "executedTime": Timestamp(),
    "ownerId": Ref(collection="agents"),
    "agentCostPerHour": Amount(),
    "additionalCost": Amount(),
    "description": Text(max_length=100),
    "requestChargeType": OneOf(values=CHARGE_TYPES),
    "customFields": Object(),
    "isBillable": Boolean(nullable=False),
}
COUNTS, AMOUNTS = ("hoursSpent", "minutesSpent", "secondsSpent"), ("agentCostPerHour", "additionalCost")
ONE_PARAMS = {"include": include("owner")}
LIST_PARAMS = {
    **PAGING,
    **ONE_PARAMS,
    "module": Choice(values=("tickets", "tasks")),
    "isBillable": Flag(),
    "billStatus": Choice(values=("nonBillable", "billable", "billed")),
    "orderBy": Choice(values=("ASC", "DESC")),
    "createdTimeRange": TimeRange(),
    "modifiedTimeRange": TimeRange(),
}
PHOTO_URL = "https://contacts.zoho.com/file?t=user&ID={zuid}"


def _owner(org: Org, owner_id: str | None) -> Record | None:
    """The owner as the seed's example embeds it, a photo by zuid and a name, then the id and names the vendor's
    owner requires (listTicketTimeEntries)."""
    agent = org.agents.get(owner_id or "")
    if agent is None:
        return None
    names = {"firstName": agent.get("firstName"), "lastName": agent.get("lastName")}
    photo = PHOTO_URL.format(zuid=agent.get("zuid"))
    return {"photoURL": photo, "name": full_name(*names.values()), "id": agent["id"], **names}


BILLING_TYPE = "SPECIFIC_COST_PER_AGENT"


def _vendor_keys(org: Org, entry: Record) -> Record:
    """The keys the vendor's ticketTimeEntryResponse requires beyond the seed's, from the entry and its ticket."""
    ticket = org.tickets.get(entry.get("_ticketId") or "", {})
    parent = {"id": ticket.get("id"), "ticketNumber": ticket.get("ticketNumber"), "type": "TICKET"}
    return {
        "cf": {},
        "createdBy": entry["creatorId"],
        "departmentId": ticket.get("departmentId"),
        "fixedCost": None,
        "invoiceId": None,
        "isBillable": entry.get("_isBillable", True),
        "isTrashed": False,
        "layoutDetails": None,
        "layoutId": None,
        "mode": "MANUAL",
        "parent": {**parent, "subject": (ticket.get("subject") or "")[:100]},
        "requestId": ticket.get("id"),
        "taskId": None,
    }


def entry_view(org: Org, entry: Record, embeds: list[str], listed: bool = False) -> Record:
    view = public(entry) | _vendor_keys(org, entry)
    if listed:  # the list's items add the billing type (listTicketTimeEntryResponse)
        view["billingType"] = BILLING_TYPE
    if "owner" in embeds:
        view["owner"] = _owner(org, entry.get("ownerId"))
    return view


def _in_range(text: str | None, bounds: tuple[Any, Any] | None) -> bool:
    return bounds is None or (text is not None and bounds[0] <= parse_time(text) <= bounds[1])


def _wanted(entry: Record, query: dict[str, Any]) -> bool:
    billable = entry.get("_isBillable", True)
    if "isBillable" in query and billable != query["isBillable"]:
        return False
    status = query.get("billStatus")
    if status is not None and status != ("billable" if billable else "nonBillable"):
        return False
    modified = entry.get("_modifiedTime") or entry["createdTime"]
    return _in_range(entry["createdTime"], query.get("createdTimeRange")) and _in_range(
        modified, query.get("modifiedTimeRange")
    )


def list_entries(call: Call) -> Reply:
    ticket = path_ticket(call)
    entries = [] if call.query.get("module") == "tasks" else call.org.children("timeEntries", ticket["id"])
    entries = [entry for entry in entries if _wanted(entry, call.query)]
    entries = sort_records(entries, "executedTime", call.query.get("orderBy") == "DESC")
    embeds = call.query.get("include", [])
    return listing([entry_view(call.org, entry, embeds, listed=True) for entry in page(entries, call.query)])


def get_entry(call: Call) -> Reply:
    _, entry = path_child(call, "timeEntries", "timeEntry_id")
    return ok(entry_view(call.org, entry, call.query.get("include", [])))


def create_entry(call: Call) -> Reply:
    ticket = path_ticket(call)
    values = read_fields(call.org, call.body, FIELDS)
    billable = values.pop("isBillable", True)
    values["ownerId"] = values.get("ownerId") or call.agent["id"]
    entry = new_time_entry(call.org, creatorId=call.agent["id"], **values)
    entry["_isBillable"] = billable
    call.org.add_child("timeEntries", ticket["id"], entry)
    call.org.touch(ticket)
    return ok(entry_view(call.org, entry, []))


def update_entry(call: Call) -> Reply:
    """Only the fields sent change (the seed's example sends two); totalCost follows."""
    ticket, entry = path_child(call, "timeEntries", "timeEntry_id")
    for name, value in read_fields(call.org, call.body, FIELDS).items():
        if name == "isBillable":
            entry["_isBillable"] = value
        elif name in COUNTS:
            entry[name] = count_text(value)
        elif name in AMOUNTS:
            entry[name] = amount_text(value)
        else:
            entry[name] = value if name != "customFields" else dict(value or {})
    entry["totalCost"] = compute_total_cost(entry)
    entry["_modifiedTime"] = call.now_text
    call.org.touch(ticket)
    return ok(entry_view(call.org, entry, []))


def delete_entry(call: Call) -> Reply:
    return delete_child(call, "timeEntries", "timeEntry_id")


ENTRIES = "/tickets/{ticket_id:id}/timeEntry"
ENTRY = ENTRIES + "/{timeEntry_id:id}"
ENDPOINTS = [
    Endpoint("GET", ENTRIES, list_entries, READ, params=LIST_PARAMS),
    Endpoint("GET", ENTRY, get_entry, READ, params=ONE_PARAMS),
    Endpoint("POST", ENTRIES, create_entry, UPDATE, body="json"),
    Endpoint("PUT", ENTRY, update_entry, UPDATE, body="json"),
    Endpoint("DELETE", ENTRY, delete_entry, UPDATE),
]
