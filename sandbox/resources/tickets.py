"""GET /tickets/{id}, GET /tickets, POST /tickets, PATCH /tickets/{id}: the ticket itself and its fields' rules.

Choices where the reference is silent (the vendor's spec and the real service's likely behaviour decide):
- Creates answer 200 with the ticket, as the vendor's spec says (the seed shows no status).
- A ticket needs subject, departmentId and a contact: `contactId`, or a `contact` {lastName, email} that is
  matched by email to an existing contact or else created. email and phone default to the contact's.
- A created ticket with a description gets its first thread: the customer's message ("in"), as the seed's
  create example counts one thread. Without a description it has none.
- Statuses are the Desk's defaults (Open, On Hold, Escalated, Closed); priorities and channels are free text
  (the spec's dynamic enums). Custom fields are the layout's (records/custom_fields.py), written as
  `customFields` (by label) or `cf` (by api name), each value checked against its type (a picklist's values, a
  date, a number...: 422 INVALID_DATA on /customFields or /cf otherwise), and merge on update.
- A ticket read, created or updated also shows the fields the vendor's spec lists as always present
  (records/vendor_fields.py: isArchived, isSpam, language, layoutId, source, cf...); they are read-only. A create
  or update answers without createdBy, followerCount, isFollowing, sentiment and tagCount, which the vendor's
  write answer (ticketResponse) does not declare (embed.ticket_written_view).
- An assignee must be an ACTIVE agent of the ticket's department. A department change (PATCH or move) leaves an
  assignee who is not a member of the new department unassigned.
- Read-only ticket fields sent back (a client echoing a fetched ticket) are ignored; names that are no ticket
  field at all are refused with 422 INVALID_DATA. An update that changes nothing leaves modifiedTime alone.
- Lists hide spam tickets (see ticket_actions.mark_spam); by default they run oldest first, as the example.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.clock import parse_time
from sandbox.embed import TICKET_INCLUDES, ticket_full_view, ticket_list_item, ticket_written_view
from sandbox.errors import ApiError, invalid_data, unprocessable
from sandbox.listing import page, sort_records, value_matches
from sandbox.params import PAGING, Choice, Id, Ids, Param, Sort, include
from sandbox.params import Text as TextParam
from sandbox.periods import CLOSED_TIME, DUE_DATE, closed_in, due_in
from sandbox.records import (
    THREAD_CHANNELS,
    apply_thread_to_ticket,
    contact_author,
    new_attachment,
    new_contact,
    new_thread,
    new_ticket,
)
from sandbox.records.history import record_update
from sandbox.resources.body_fields import (
    BadValue,
    Field,
    IdList,
    Ref,
    Text,
    Timestamp,
    body_object,
    read_fields,
)
from sandbox.resources.custom_values import custom_value_fields, merge_cf
from sandbox.resources.team_members import TeamRef, check_team
from sandbox.resources.ticket_children import path_ticket
from sandbox.resources.uploads import take_uploads
from sandbox.state import Org, Record
from sandbox.story import reply_address

READ, CREATE, UPDATE = ("Desk.tickets.READ",), ("Desk.tickets.CREATE",), ("Desk.tickets.UPDATE",)
TICKET_STATUSES = ("Open", "On Hold", "Escalated", "Closed")
UNASSIGNED = "Unassigned"
RECEIVED_IN_DAYS = ("15", "30", "90")
LIST_SORTS = ("dueDate", "createdTime", "recentThread")
# The vendor's always-present fields a ticket shows (records/vendor_fields.py): a client echoing a fetched ticket
# sends them back, and they are ignored like the other read-only fields (sharedDepartments and cf are writable).
VENDOR_READ_ONLY = (
    "accountId",
    "channelCode",
    "channelRelatedInfo",
    "createdBy",
    "modifiedBy",
    "entitySkills",
    "followerCount",
    "isArchived",
    "isEscalated",
    "isFollowing",
    "isOverDue",
    "isResponseOverdue",
    "isSpam",
    "isTrashed",
    "language",
    "layoutDetails",
    "layoutId",
    "onholdTime",
    "responseDueDate",
    "secondaryContacts",
    "sentiment",
    "slaId",
    "source",
    "tagCount",
    "teamId",
)
READ_ONLY_FIELDS = frozenset(
    {
        "id",
        "ticketNumber",
        "statusType",
        "createdTime",
        "modifiedTime",
        "closedTime",
        "customerResponseTime",
        "webUrl",
        "isDeleted",
        "approvalCount",
        "timeEntryCount",
        "commentCount",
        "attachmentCount",
        "taskCount",
        "threadCount",
        "contact",
        "product",
        "assignee",
        "department",
        *VENDOR_READ_ONLY,
    }
)


class Status(Field):
    def parse(self, org: Org, value: Any) -> str:
        if value not in TICKET_STATUSES:
            raise BadValue()
        return value


class OptionalRef(Ref):
    """An id of the collection, or "" / null for none (the seed's create example sends "productId": "")."""

    def read(self, org: Org, value: Any) -> Any:
        return None if value in (None, "") else self.parse(org, value)


class Email(Text):
    def parse(self, org: Org, value: Any) -> str:
        text = (super().parse(org, value) or "").strip()
        if text and "@" not in text:
            raise BadValue()
        return text


class FreeText(Text):
    """Optional text; "" stores null (the example sends "classification": "" and reads back null)."""

    def parse(self, org: Org, value: Any) -> str | None:
        return super().parse(org, value) or None


@dataclass(frozen=True)
class SharedDepartments(Field):
    """The departments a ticket is shared with: [{"id", "type": READ_ONLY | READ_WRITE}] (the vendor's spec)."""

    def parse(self, org: Org, value: Any) -> list[dict[str, str]]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise BadValue()
        shared = []
        for item in value:
            department = org.departments.get(str(item.get("id") or ""))
            if department is None or item.get("type", "READ_ONLY") not in SHARE_TYPES:
                raise BadValue()
            shared.append({"id": department["id"], "name": department["name"], "type": item.get("type", "READ_ONLY")})
        return shared


SHARE_TYPES = ("READ_ONLY", "READ_WRITE")


TICKET_FIELDS: dict[str, Field] = {
    "subject": Text(nullable=False, max_length=1000),
    "departmentId": Ref(nullable=False, collection="departments"),
    "contactId": Ref(nullable=False, collection="contacts"),
    "productId": OptionalRef(collection="products"),
    "assigneeId": OptionalRef(collection="agents"),
    "status": Status(nullable=False),
    "email": Email(),
    "phone": FreeText(max_length=120),
    "description": FreeText(),
    "category": FreeText(),
    "subCategory": FreeText(),
    "classification": FreeText(),
    "resolution": FreeText(),
    "priority": FreeText(),
    "channel": FreeText(),
    "dueDate": Timestamp(),
    **custom_value_fields("tickets"),
    "uploads": IdList(),
    "sharedDepartments": SharedDepartments(),
    "teamId": TeamRef(),
}
CREATE_ONLY_FIELDS = frozenset({"contact"})
SHARED = "_sharedDepartments"  # kept, not shown: the seed's ticket shapes have no sharedDepartments


def read_ticket_fields(
    org: Org,
    body: Any,
    *,
    required: tuple[str, ...] = (),
    extra: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The body's ticket fields, parsed; unknown names are refused, read-only ones ignored. One 422 names all."""
    body = body_object(body)
    known = TICKET_FIELDS.keys() | READ_ONLY_FIELDS | extra
    unknown = invalid_data(*((name, "invalid") for name in body if name not in known))
    try:
        fields = read_fields(org, body, TICKET_FIELDS, required)
    except ApiError as error:
        error.errors = [*(error.errors or []), *(unknown.errors or [])]
        raise
    if unknown.errors:
        raise unknown
    return merge_cf(fields)


def check_assignee(org: Org, assignee_id: str | None, department_id: str) -> None:
    """An assignee must be an ACTIVE agent associated with the ticket's department."""
    if assignee_id is None:
        return
    agent = org.agents[assignee_id]
    if agent.get("status") != "ACTIVE" or department_id not in agent.get("associatedDepartmentIds", []):
        raise invalid_data(("assigneeId", "invalid"))


def keep_assignee_in(org: Org, ticket: Record, department_id: str) -> None:
    """After a department change: an assignee who is not a member of the new department is unassigned."""
    agent = org.agents.get(ticket.get("assigneeId") or "")
    if agent is not None and department_id not in agent.get("associatedDepartmentIds", []):
        ticket["assigneeId"] = None


def apply_changes(org: Org, ticket: Record, changes: dict[str, Any]) -> bool:
    """Write parsed field changes into the ticket; status drives statusType/closedTime. True if any changed."""
    if "sharedDepartments" in changes:
        changes = {SHARED if name == "sharedDepartments" else name: value for name, value in changes.items()}
    before = {name: ticket.get(name) for name in changes}
    if SHARED in before:  # never shared and shared with none are the same (a ticket echoed back sends [])
        before[SHARED] = before[SHARED] or []
    before["customFields"] = dict(ticket.get("customFields") or {})
    before_assignee = ticket.get("assigneeId")
    for name, value in changes.items():
        if name == "status":
            org.set_status(ticket, value)
        elif name == "customFields":
            ticket["customFields"] = {**ticket.get("customFields", {}), **value}
        else:
            ticket[name] = value
    if "departmentId" in changes and "assigneeId" not in changes:
        keep_assignee_in(org, ticket, changes["departmentId"])
    changed = any(ticket.get(name) != before[name] for name in changes) or ticket.get("assigneeId") != before_assignee
    if changed:
        record_update(org, ticket, {"assigneeId": before_assignee, **before}, next(iter(org.agents.values())))
        org.touch(ticket)
    return changed


# handlers -----------------------------------------------------------------------------------------
def get_ticket(call: Call) -> Reply:
    return ok(ticket_full_view(call.org, path_ticket(call), call.query.get("include", ())))


class AssigneeFilter(Param):
    """`Unassigned` or agent ids, comma separated."""

    def parse(self, name: str, raw: str) -> list[str]:
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not parts or any(part != UNASSIGNED and not part.isdigit() for part in parts):
            raise unprocessable(f"The value passed for the '{name}' query parameter is invalid.")
        return parts


def _recent_thread(org: Org, ticket: Record) -> str:
    """When the ticket last had a (sent) thread; its creation when it has none."""
    threads = org.children("threads", ticket["id"])
    return max((t["createdTime"] for t in threads if t.get("status") != "DRAFT"), default=ticket["createdTime"])


def _listed(call: Call) -> list[Record]:
    org, query = call.org, call.query
    tickets = [ticket for ticket in org.tickets.values() if not ticket.get("_spam")]
    if "departmentId" in query:
        tickets = [t for t in tickets if t.get("departmentId") == query["departmentId"]]
    if "assignee" in query:
        wanted = set(query["assignee"])
        tickets = [t for t in tickets if (t.get("assigneeId") or UNASSIGNED) in wanted]
    for name in ("channel", "status"):
        if name in query:
            tickets = [t for t in tickets if value_matches(t.get(name), query[name])]
    if "receivedInDays" in query:
        since = org.now() - timedelta(days=int(query["receivedInDays"]))
        tickets = [t for t in tickets if t["customerResponseTime"] and parse_time(t["customerResponseTime"]) >= since]
    return period_filtered(tickets, query, org.now())


def period_filtered(tickets: list[Record], query: dict[str, Any], now: datetime) -> list[Record]:
    """`closedTime`, `dueDate` and `teamIds` (the sandbox has no teams: a team filter matches no ticket)."""
    if "closedTime" in query:
        tickets = [t for t in tickets if closed_in(t, query["closedTime"], now)]
    if "dueDate" in query:
        tickets = [t for t in tickets if due_in(t, query["dueDate"], now)]
    if "teamIds" in query:
        tickets = []
    return tickets


def list_tickets(call: Call) -> Reply:
    org = call.org
    tickets = sort_records(_listed(call), "createdTime", False)
    if "sortBy" in call.query:
        field_name, descending = call.query["sortBy"]
        read = (lambda t, _: _recent_thread(org, t)) if field_name == "recentThread" else None
        tickets = sort_records(tickets[::-1] if descending else tickets, field_name, descending, read)
    shown = page(tickets, call.query)
    return listing([ticket_list_item(org, ticket, call.query.get("include", ())) for ticket in shown])


CONTACT_FIELDS: dict[str, Field] = {
    "lastName": Text(nullable=False, max_length=200),
    "email": Email(nullable=False),
    "firstName": FreeText(max_length=40),
}


def _contact_for(org: Org, body: dict[str, Any]) -> Record:
    """The ticket's contact: by contactId, else by the `contact` object's email (created when new)."""
    if body.get("contactId") not in (None, ""):
        return org.contacts[str(body["contactId"]).strip()]
    try:
        given = read_fields(org, body["contact"], CONTACT_FIELDS, required=("lastName", "email"))
    except ApiError as error:
        error.errors = [{**item, "fieldName": "/contact" + item["fieldName"]} for item in error.errors or []]
        raise
    for contact in org.contacts.values():
        if (contact.get("email") or "").lower() == given["email"].lower():
            return contact
    contact = new_contact(org, **given)
    org.contacts[contact["id"]] = contact
    return contact


def _attach(call: Call, ticket: Record, uploads: list[Record]) -> None:
    """`uploads` (ids from POST /uploads) become the ticket's attachments."""
    for upload in uploads:
        attachment = new_attachment(
            call.org,
            "tickets",
            ticket["id"],
            name=upload["name"],
            creatorId=call.agent["id"],
            content=upload["_content"],
        )
        call.org.add_child("attachments", ticket["id"], attachment)


def create_ticket(call: Call) -> Reply:
    org, body = call.org, body_object(call.body)
    needs_contact = () if isinstance(body.get("contact"), dict) else ("contactId",)
    required = ("subject", "departmentId", *needs_contact)
    fields = read_ticket_fields(org, body, required=required, extra=CREATE_ONLY_FIELDS)
    contact = _contact_for(org, body)
    check_assignee(org, fields.get("assigneeId"), fields["departmentId"])
    uploads = take_uploads(org, fields.pop("uploads", []), "uploads")
    shared = fields.pop("sharedDepartments", None)
    fields = {"email": contact.get("email"), "phone": contact.get("phone"), **fields, "contactId": contact["id"]}
    ticket = new_ticket(org, **fields)
    ticket[SHARED] = shared
    if ticket.get("description"):
        thread = new_thread(
            org,
            ticket["id"],
            direction="in",
            channel=THREAD_CHANNELS.get(ticket.get("channel") or "", "EMAIL"),
            content=ticket["description"],
            author=contact_author(contact),
            fromEmailAddress=ticket.get("email"),
            to=reply_address(org, ticket["departmentId"]),
        )
        org.add_child("threads", ticket["id"], thread)
        apply_thread_to_ticket(org, ticket, thread, touch=False)
    _attach(call, ticket, uploads)
    org.add_ticket(ticket)
    return ok(ticket_written_view(org, ticket))


def update_ticket(call: Call) -> Reply:
    org = call.org
    ticket = path_ticket(call)
    changes = read_ticket_fields(org, call.body)
    if "assigneeId" in changes:
        department_id = changes["departmentId"] if "departmentId" in changes else ticket["departmentId"]
        check_assignee(org, changes["assigneeId"], department_id)
    if "teamId" in changes:
        check_team(org, changes["teamId"], changes.get("departmentId") or ticket["departmentId"])
    uploads = take_uploads(org, changes.pop("uploads", []), "uploads")
    _attach(call, ticket, uploads)
    if not apply_changes(org, ticket, changes) and uploads:
        org.touch(ticket)
    return ok(ticket_written_view(org, ticket))


TICKET_INCLUDE = include(*TICKET_INCLUDES)
ENDPOINTS = [
    Endpoint("GET", "/tickets/{ticket_id:id}", get_ticket, READ, params={"include": TICKET_INCLUDE}),
    Endpoint(
        "GET",
        "/tickets",
        list_tickets,
        READ,
        params={
            **PAGING,
            "departmentId": Id(),
            "assignee": AssigneeFilter(),
            "channel": TextParam(),
            "status": TextParam(),
            "sortBy": Sort(LIST_SORTS),
            "receivedInDays": Choice(RECEIVED_IN_DAYS),
            "include": TICKET_INCLUDE,
            "closedTime": CLOSED_TIME,
            "dueDate": DUE_DATE,
            "teamIds": Ids(),
        },
    ),
    Endpoint("POST", "/tickets", create_ticket, CREATE, body="json"),
    Endpoint("PATCH", "/tickets/{ticket_id:id}", update_ticket, UPDATE, body="json"),
]
