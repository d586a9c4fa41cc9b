"""How a ticket is shown: the full view, the smaller list item, and the `include=` embeds of related records.

Records keep only ids (contactId, productId, assigneeId, departmentId); the summaries are built here on every
read, so an embed always shows the related record as it is now. Other resources (contacts, accounts, search)
show tickets through `ticket_view` / `ticket_list_item` so every ticket answer agrees.

Embeds (key in the answer <- include value), shaped as the seed's examples and the vendor's spec show them:
    contact    <- contacts     {firstName, lastName, phone, mobile, id, type, email, account{website, accountName, id}}
                               (and isSpam in one ticket)
    product    <- products     {id, productName}
    assignee   <- assignee     {id, firstName, lastName, photoURL, email}
    department <- departments  {id, name}
(the vendor's ticket list items: Ticket.json ticketListViewArray, Account.json getTicketsByAccountResponse; no zuid,
which an @mention needs: GET /agents/{id} has it).
An embed of an unset or unknown reference is null, as the seed's `"product": null` shows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sandbox.records.vendor_fields import ticket_extras
from sandbox.state import Org, Record, public

# The list example's fields (GET /tickets): no description, custom fields, counts other than threads/comments.
TICKET_LIST_FIELDS = (
    "id",
    "ticketNumber",
    "subject",
    "status",
    "statusType",
    "departmentId",
    "contactId",
    "productId",
    "assigneeId",
    "email",
    "phone",
    "channel",
    "priority",
    "dueDate",
    "threadCount",
    "commentCount",
    "closedTime",
    "createdTime",
    "customerResponseTime",
    "webUrl",
)
# What the vendor's list item (Ticket.json ticketListViewArray) requires beyond the list example's fields, as the
# full view derives them (records/vendor_fields.py); lastThread, category, subCategory and relationshipType aside.
TICKET_LIST_VENDOR_FIELDS = (
    "accountId",
    "channelCode",
    "isArchived",
    "isSpam",
    "language",
    "layoutId",
    "onholdTime",
    "responseDueDate",
    "sentiment",
    "source",
    "teamId",
)
TICKET_INCLUDES = ("contacts", "products", "assignee", "departments")


def contact_summary(org: Org, contact_id: str | None) -> Record | None:
    contact = org.contacts.get(contact_id or "")
    if contact is None:
        return None
    account = org.accounts.get(contact.get("accountId") or "")
    return {
        "firstName": contact.get("firstName"),
        "lastName": contact.get("lastName"),
        "phone": contact.get("phone"),
        "mobile": contact.get("mobile"),
        "id": contact["id"],
        "type": contact.get("type"),
        "email": contact.get("email"),
        "account": None
        if account is None
        else {
            "website": account.get("website"),
            "accountName": account.get("accountName"),
            "id": account["id"],
        },
    }


def product_summary(org: Org, product_id: str | None) -> Record | None:
    product = org.products.get(product_id or "")
    return None if product is None else {"id": product["id"], "productName": product.get("productName")}


def assignee_summary(org: Org, agent_id: str | None) -> Record | None:
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    return {
        "id": agent["id"],
        "firstName": agent.get("firstName"),
        "lastName": agent.get("lastName"),
        "photoURL": agent.get("photoURL"),
        "email": agent.get("emailId"),
    }


def department_summary(org: Org, department_id: str | None) -> Record | None:
    department = org.departments.get(department_id or "")
    return None if department is None else {"id": department["id"], "name": department.get("name")}


EMBEDS: dict[str, tuple[str, str, Callable[[Org, Any], Record | None]]] = {
    "contacts": ("contact", "contactId", contact_summary),
    "products": ("product", "productId", product_summary),
    "assignee": ("assignee", "assigneeId", assignee_summary),
    "departments": ("department", "departmentId", department_summary),
}


# getTicketResponse's keys that the vendor's ticket write answer (ticketResponse) does not declare
READ_ONLY_EXTRAS = ("createdBy", "followerCount", "isFollowing", "sentiment", "tagCount")


def _embed(org: Org, ticket: Record, view: Record, include: Collection[str]) -> Record:
    for name in include:
        key, id_field, summary = EMBEDS[name]
        view[key] = summary(org, ticket.get(id_field))
    return view


def ticket_view(org: Org, ticket: Record, include: Collection[str] = ()) -> Record:
    """The full ticket (GET /tickets/{id}, and the answer of every ticket write), with the asked embeds."""
    return _embed(org, ticket, public(ticket), include)


def ticket_full_view(org: Org, ticket: Record, include: Collection[str] = ()) -> Record:
    """GET /tickets/{id} (the writes answer ticket_written_view): the full ticket plus the fields the vendor's
    spec lists as always present (records/vendor_fields.py), the ticket's own values first. Its contact embed
    adds isSpam, as the vendor's one ticket (getTicketResponse) has it and its lists do not."""
    view = _embed(org, ticket, {**ticket_extras(org, ticket), **public(ticket)}, include)
    if view.get("contact") is not None:
        view["contact"]["isSpam"] = bool(org.contacts[view["contact"]["id"]].get("isSpam"))
    return view


def ticket_written_view(org: Org, ticket: Record) -> Record:
    """The answer of a create or update: the full ticket less the keys the vendor's write answer (ticketResponse)
    does not declare, which its one ticket (getTicketResponse) adds; the seed's write examples show none of them."""
    view = ticket_full_view(org, ticket)
    for name in READ_ONLY_EXTRAS:
        view.pop(name, None)
    return view


def ticket_merged_view(org: Org, ticket: Record) -> Record:
    """The answer of merge and split: the written ticket without isDeleted, as the seed's examples show them."""
    view = ticket_written_view(org, ticket)
    view.pop("isDeleted", None)
    return view


def last_thread(org: Org, ticket_id: str) -> Record | None:
    """The newest thread's channel, direction and kind, as ticket lists and searches show it (null: no thread)."""
    threads = org.children("threads", ticket_id)
    if not threads:
        return None
    newest = threads[-1]
    return {
        "channel": newest.get("channel"),
        "isDraft": newest.get("status") == "DRAFT",
        "isForward": bool(newest.get("isForward")),
        "direction": newest.get("direction"),
    }


def ticket_list_item(org: Org, ticket: Record, include: Collection[str] = ()) -> Record:
    """A ticket as lists show it: the list example's smaller field set, then the keys the vendor's list item
    requires, with the asked embeds."""
    extras = ticket_extras(org, ticket)
    item = {name: ticket.get(name) for name in TICKET_LIST_FIELDS}
    item |= {name: extras[name] for name in TICKET_LIST_VENDOR_FIELDS}
    item |= {name: ticket.get(name) for name in ("category", "subCategory", "relationshipType")}
    item["lastThread"] = last_thread(org, ticket["id"])
    return _embed(org, ticket, item, include)
