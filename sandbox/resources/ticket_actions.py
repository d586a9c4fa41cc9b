"""Ticket actions: merge, move, split a thread off, updateMany, markSpam.

Choices where the reference is silent (the vendor's spec and the real service's likely behaviour decide):
- merge folds the `ids` tickets into the target: their threads, comments, attachments, time entries and tasks
  move to it and the merged tickets are gone (404). `source` picks, per field, the ticket whose value the
  target keeps ({"subject": "<ticket id>"}; customFields per field: {"customFields": {"ModelName": "<id>"}}).
  The target keeps its department and the latest customerResponseTime of all. Answer: the target, 200.
- move takes departmentId from the query (the seed) or the body (the vendor's spec); an unknown or disabled
  department is 422 INVALID_DATA; an assignee who is not a member of the new department is unassigned; moving
  to the department the ticket is in changes nothing. Answer: 200 with an empty body.
- split moves an incoming thread (not the ticket's first one) to a new ticket that copies the ticket's
  properties, with the thread's content as its description. Answer: the new ticket, 200.
- updateMany sets one field (`fieldName`, `fieldValue`, `isCustomField`) on each id and answers 200 with
  per-id results, as the Desk's mass actions do: {"results": [{"success", "id", "errors"}]}. A value that is
  bad for every ticket is one 422; what fails for one ticket (unknown id, assignee outside its department)
  fails that id only.
- markSpam sets or clears the spam mark of each id (same per-id answer). A spam ticket keeps its status,
  leaves the ticket lists and can still be read by id. With contactSpam and handleExistingTickets both true,
  the contact's other tickets are marked too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.embed import ticket_merged_view
from sandbox.errors import ApiError, invalid_data, not_found, unprocessable
from sandbox.params import Id
from sandbox.records import TICKET_CUSTOM_FIELDS, apply_thread_to_ticket, new_ticket
from sandbox.resources.body_fields import BadValue, Boolean, body_object
from sandbox.resources.ticket_children import path_ticket
from sandbox.resources.tickets import (
    CREATE,
    TICKET_FIELDS,
    UPDATE,
    apply_changes,
    check_assignee,
    keep_assignee_in,
    read_ticket_fields,
)
from sandbox.state import TICKET_CHILD_KINDS, Org, Record

MERGE_FIELDS = frozenset(TICKET_FIELDS) - {"departmentId", "uploads"}
MASS_FIELDS = frozenset(TICKET_FIELDS) - {"customFields", "uploads"}
SPLIT_COPIED_FIELDS = (
    "subject",
    "departmentId",
    "contactId",
    "productId",
    "assigneeId",
    "email",
    "phone",
    "priority",
    "channel",
    "category",
    "subCategory",
    "classification",
)


def _check_keys(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = [name for name in body if name not in allowed]
    if unknown:
        raise invalid_data(*((name, "invalid") for name in unknown))


def read_ids(body: dict[str, Any], name: str = "ids") -> list[str]:
    """A list of ids, as strings or bare numbers (the seed's markSpam example sends a number); duplicates once."""
    value = body.get(name)
    if value is None:
        raise invalid_data((name, "missing"))
    if not isinstance(value, list) or not value:
        raise invalid_data((name, "invalid"))
    ids: list[str] = []
    for item in value:
        text = str(item).strip() if isinstance(item, (int, str)) and not isinstance(item, bool) else ""
        if not text.isdigit():
            raise invalid_data((name, "invalid"))
        if text not in ids:
            ids.append(text)
    return ids


def _rehome(child: Record, old_ticket: str, target: str) -> None:
    """A moved child's links (its own href, its attachments', a thread's actions') name its new ticket."""
    old, new = f"/tickets/{old_ticket}/", f"/tickets/{target}/"
    for link in [child, *child.get("attachments", []), *child.get("actions", [])]:
        if "href" in link:
            link["href"] = link["href"].replace(old, new)


# merge ----------------------------------------------------------------------------------------------
def _merge_choices(source: Any, candidates: dict[str, Record]) -> dict[str, Any]:
    """`source` checked: each field names one of the merged tickets (customFields: per custom field)."""
    if source is None:
        return {}
    if not isinstance(source, dict):
        raise invalid_data(("source", "invalid"))
    bad = [f"source/{name}" for name in source if name not in MERGE_FIELDS]
    for name, chosen in source.items():
        per_field = name == "customFields"
        picks = list(chosen.values()) if per_field and isinstance(chosen, dict) else [chosen]
        unknown_fields = per_field and isinstance(chosen, dict) and any(f not in TICKET_CUSTOM_FIELDS for f in chosen)
        if per_field != isinstance(chosen, dict) or unknown_fields or any(str(p) not in candidates for p in picks):
            bad.append(f"source/{name}")
    if bad:
        raise invalid_data(*((name, "invalid") for name in dict.fromkeys(bad)))
    return source


def merge_tickets(call: Call) -> Reply:
    org = call.org
    target = path_ticket(call)
    body = body_object(call.body)
    _check_keys(body, {"ids", "source"})
    ids = read_ids(body)
    if target["id"] in ids or any(ticket_id not in org.tickets for ticket_id in ids):
        raise invalid_data(("ids", "invalid"))
    candidates = {ticket_id: org.tickets[ticket_id] for ticket_id in [target["id"], *ids]}
    choices = _merge_choices(body.get("source"), candidates)
    for name, chosen in choices.items():
        if name == "customFields":
            picked = {field: candidates[str(pick)]["customFields"].get(field) for field, pick in chosen.items()}
            target["customFields"] = {**target["customFields"], **picked}
        elif name == "status":
            org.set_status(target, candidates[str(chosen)]["status"])
        else:
            target[name] = candidates[str(chosen)].get(name)
    keep_assignee_in(org, target, target["departmentId"])
    times = [ticket["customerResponseTime"] for ticket in candidates.values() if ticket.get("customerResponseTime")]
    target["customerResponseTime"] = max(times, default=target.get("customerResponseTime"))
    for ticket_id in ids:
        for kind in TICKET_CHILD_KINDS:
            for child in org.children(kind, ticket_id):
                _rehome(child, ticket_id, target["id"])
            org.move_children(kind, ticket_id, target["id"])
        org.remove_ticket(ticket_id)
    org.touch(target)
    return ok(ticket_merged_view(org, target))


# move -----------------------------------------------------------------------------------------------
def move_ticket(call: Call) -> Reply:
    org = call.org
    ticket = path_ticket(call)
    body = body_object(call.body)
    _check_keys(body, {"departmentId"})
    department_id = call.query.get("departmentId") or body.get("departmentId")
    if department_id in (None, ""):
        raise invalid_data(("departmentId", "missing"))
    department = org.departments.get(str(department_id).strip())
    if department is None or not department.get("isEnabled", True):
        raise invalid_data(("departmentId", "invalid"))
    if department["id"] != ticket["departmentId"]:
        ticket["departmentId"] = department["id"]
        keep_assignee_in(org, ticket, department["id"])
        org.touch(ticket)
    return Reply(200)


# split ----------------------------------------------------------------------------------------------
def split_thread(call: Call) -> Reply:
    org = call.org
    ticket = path_ticket(call)
    thread = org.threads.get(call.path["thread_id"])
    if thread is None or thread.get("_ticketId") != ticket["id"]:
        raise not_found()
    if thread["direction"] != "in" or thread["status"] == "DRAFT":
        raise unprocessable("Only an incoming thread can be split into a new ticket.")
    threads = sorted(org.children("threads", ticket["id"]), key=lambda item: item["createdTime"])
    if threads[0]["id"] == thread["id"]:
        raise unprocessable("The first thread of a ticket cannot be split from it.")
    copied: dict[str, Any] = {name: ticket.get(name) for name in SPLIT_COPIED_FIELDS}
    split = new_ticket(org, **copied, description=thread["content"], customFields=dict(ticket["customFields"]))
    org.remove_child("threads", thread["id"])
    _rehome(thread, ticket["id"], split["id"])
    org.add_child("threads", split["id"], thread)
    apply_thread_to_ticket(org, split, thread, touch=False)
    org.add_ticket(split)
    org.touch(ticket)
    return ok(ticket_merged_view(org, split))


# mass actions ---------------------------------------------------------------------------------------
def _result(ticket_id: str, error: ApiError | None = None) -> Record:
    if error is None:
        return {"success": True, "id": ticket_id, "errors": None}
    return {
        "success": False,
        "id": ticket_id,
        "errors": {"errorCode": error.code, "httpCode": str(error.status), "errorMessage": error.message},
    }


def _each(org: Org, ids: list[str], act: Callable[[Record], None]) -> Reply:
    results = []
    for ticket_id in ids:
        try:
            ticket = org.tickets.get(ticket_id)
            if ticket is None:
                raise unprocessable("The ticket does not exist.")
            act(ticket)
            results.append(_result(ticket_id))
        except ApiError as error:
            results.append(_result(ticket_id, error))
    return ok({"results": results})


def _mass_changes(org: Org, body: dict[str, Any]) -> dict[str, Any]:
    """The one change updateMany applies, checked as a PATCH of that field would be; errors name fieldValue."""
    field_name = body.get("fieldName")
    if field_name in (None, ""):
        raise invalid_data(("fieldName", "missing"))
    if "fieldValue" not in body:
        raise invalid_data(("fieldValue", "missing"))
    try:
        custom = Boolean().read(org, body.get("isCustomField", False)) or False
    except BadValue:
        raise invalid_data(("isCustomField", "invalid")) from None
    known = TICKET_CUSTOM_FIELDS if custom else MASS_FIELDS
    if not isinstance(field_name, str) or field_name not in known:
        raise invalid_data(("fieldName", "invalid"))
    patch = {"customFields": {field_name: body["fieldValue"]}} if custom else {field_name: body["fieldValue"]}
    try:
        return read_ticket_fields(org, patch)
    except ApiError:
        raise invalid_data(("fieldValue", "invalid")) from None


def update_many(call: Call) -> Reply:
    org, body = call.org, body_object(call.body)
    _check_keys(body, {"fieldName", "fieldValue", "isCustomField", "ids"})
    ids = read_ids(body)
    changes = _mass_changes(org, body)

    def update(ticket: Record) -> None:
        if "assigneeId" in changes:
            check_assignee(org, changes["assigneeId"], ticket["departmentId"])
        apply_changes(org, ticket, changes)

    return _each(org, ids, update)


def mark_spam(call: Call) -> Reply:
    org, body = call.org, body_object(call.body)
    _check_keys(body, {"ids", "isSpam", "contactSpam", "handleExistingTickets"})
    ids = read_ids(body)
    flags = {}
    for name in ("isSpam", "contactSpam", "handleExistingTickets"):
        try:
            flags[name] = Boolean().read(org, body.get(name))
        except BadValue:
            raise invalid_data((name, "invalid")) from None
    if flags["isSpam"] is None:
        raise invalid_data(("isSpam", "missing"))
    spam = bool(flags["isSpam"])

    def mark(ticket: Record) -> None:
        affected = [ticket]
        if spam and flags["contactSpam"] and flags["handleExistingTickets"]:
            affected += [other for other in org.tickets.values() if other["contactId"] == ticket["contactId"]]
        for each in affected:
            if bool(each.get("_spam")) != spam:
                each["_spam"] = spam
                org.touch(each)

    return _each(org, ids, mark)


ENDPOINTS = [
    Endpoint("POST", "/tickets/{ticket_id:id}/merge", merge_tickets, UPDATE, body="json"),
    Endpoint(
        "POST", "/tickets/{ticket_id:id}/move", move_ticket, UPDATE, params={"departmentId": Id()}, body="optional_json"
    ),
    Endpoint("POST", "/tickets/{ticket_id:id}/threads/{thread_id:id}/split", split_thread, CREATE),
    Endpoint("POST", "/tickets/updateMany", update_many, UPDATE, body="json"),
    Endpoint("POST", "/tickets/markSpam", mark_spam, UPDATE, body="json"),
]
