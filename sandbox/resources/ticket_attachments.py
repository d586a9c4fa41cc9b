"""Ticket attachments: GET (list), POST (multipart `file`), PATCH (isPublic), DELETE /tickets/{ticket_id}/attachments.

Every write keeps the ticket's attachmentCount (through its child index) and moves its modifiedTime.
Choices where the seed is silent: a create answers 200 (the vendor's spec) and takes `isPublic` as a query
parameter (the vendor's spec) or as a form field; an attachment is private unless asked; a PATCH answers 200 with
the attachment; a delete answers 204 with no body. No file type is refused: neither the seed nor the spec names one.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import invalid_data
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Flag, Sort
from sandbox.records import new_attachment
from sandbox.resources.body_fields import BOOL_TEXT, Boolean, read_fields
from sandbox.resources.customer_parts import ATTACHMENT_INCLUDE, attachment_views
from sandbox.resources.ticket_children import delete_child, path_child, path_ticket
from sandbox.resources.uploads import read_file
from sandbox.state import public

READ = ("Desk.tickets.READ",)
UPDATE = ("Desk.tickets.UPDATE",)
LIST_PARAMS = {**PAGING, "sortBy": Sort(fields=("createdTime",)), "isPublic": Flag(), "include": ATTACHMENT_INCLUDE}
UPDATE_FIELDS = {"isPublic": Boolean(nullable=False)}


def _is_public(call: Call) -> bool:
    """The query's isPublic, else the form's (text "true"/"false"), else private."""
    if "isPublic" in call.query:
        return call.query["isPublic"]
    value = call.form.get("isPublic") if call.form is not None else None
    if value is None:
        return False
    if value not in BOOL_TEXT:
        raise invalid_data(("isPublic", "invalid"))
    return BOOL_TEXT[value]


def list_attachments(call: Call) -> Reply:
    """Oldest first unless `sortBy=-createdTime`; `isPublic=true|false` keeps one visibility."""
    ticket = path_ticket(call)
    attachments = call.org.children("attachments", ticket["id"])
    if "isPublic" in call.query:
        attachments = [item for item in attachments if item["isPublic"] == call.query["isPublic"]]
    field_name, descending = call.query.get("sortBy", ("createdTime", False))
    attachments = sort_records(attachments, field_name, descending)
    return listing(attachment_views(call.org, page(attachments, call.query), call.query.get("include", ())))


def create_attachment(call: Call) -> Reply:
    ticket = path_ticket(call)
    is_public = _is_public(call)
    name, content = read_file(call)
    attachment = new_attachment(
        call.org,
        "tickets",
        ticket["id"],
        name=name,
        creatorId=call.agent["id"],
        content=content,
        isPublic=is_public,
    )
    call.org.add_child("attachments", ticket["id"], attachment)
    call.org.touch(ticket)
    return ok(public(attachment))


def update_attachment(call: Call) -> Reply:
    ticket, attachment = path_child(call, "attachments", "attachment_id")
    values = read_fields(call.org, call.body, UPDATE_FIELDS, required=("isPublic",))
    attachment["isPublic"] = values["isPublic"]
    call.org.touch(ticket)
    return ok(public(attachment))


def delete_attachment(call: Call) -> Reply:
    return delete_child(call, "attachments", "attachment_id")


ATTACHMENTS = "/tickets/{ticket_id:id}/attachments"
ATTACHMENT = ATTACHMENTS + "/{attachment_id:id}"
ENDPOINTS = [
    Endpoint("GET", ATTACHMENTS, list_attachments, READ, params=LIST_PARAMS),
    Endpoint("POST", ATTACHMENTS, create_attachment, UPDATE, params={"isPublic": Flag()}, body="multipart"),
    Endpoint("PATCH", ATTACHMENT, update_attachment, UPDATE, body="json"),
    Endpoint("DELETE", ATTACHMENT, delete_attachment, UPDATE),
]
