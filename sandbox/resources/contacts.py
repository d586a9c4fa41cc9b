"""Contacts: GET/POST /contacts, GET/PATCH /contacts/{id}, GET /contacts/{id}/tickets, and their attachments.

What the Desk derives: a contact's write moves its modifiedTime, and its account's `contactCount` custom field
(the seed keeps it as the number of the account's contacts) follows every create and every account change.
Choices where the seed is silent: creates answer 200 (the vendor's spec); `viewId` is accepted and ignored (the
sandbox has no custom views: every view is "all contacts"); lists run in creation order unless sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Id, Sort, include
from sandbox.records import new_contact
from sandbox.records.vendor_fields import contact_extras
from sandbox.resources.body_fields import Field, Text, body_object
from sandbox.resources.custom_values import custom_value_fields
from sandbox.resources.customer_parts import (
    CUSTOMER_CREATE,
    CUSTOMER_READ,
    CUSTOMER_UPDATE,
    TICKETS_REQUIRED,
    Attachments,
    Email,
    OptionalRef,
    Words,
    account_summary,
    apply_fields,
    customer_ticket_params,
    customer_tickets,
    find,
    owner_summary,
    read_customer_fields,
)
from sandbox.state import Org, Record, public

# Lengths from the vendor's spec.
CONTACT_FIELDS: dict[str, Field] = {
    "lastName": Text(nullable=False, max_length=200),
    "firstName": Words(max_length=40),
    "email": Email(max_length=255),
    "secondaryEmail": Email(max_length=100),
    "phone": Words(max_length=50),
    "mobile": Words(max_length=50),
    "accountId": OptionalRef(collection="accounts"),
    "ownerId": OptionalRef(collection="agents"),
    "type": Words(max_length=120),
    "title": Words(max_length=100),
    "description": Words(max_length=65535),
    "street": Words(max_length=250),
    "city": Words(max_length=30),
    "state": Words(max_length=30),
    "zip": Words(max_length=30),
    "country": Words(max_length=30),
    "facebook": Words(max_length=100),
    "twitter": Words(max_length=100),
    **custom_value_fields("contacts"),
}
# The vendor's always-present fields shown on one record (records/vendor_fields.py): ignored when sent back.
VENDOR_READ_ONLY = (
    "accountCount",
    "isAnonymous",
    "isEndUser",
    "isFollowing",
    "isSpam",
    "isTrashed",
    "layoutDetails",
    "layoutId",
    "webUrl",
)
READ_ONLY = frozenset(
    {
        "id",
        "photoURL",
        "zohoCRMContact",
        "customerHappiness",
        "isDeleted",
        "createdTime",
        "modifiedTime",
        "account",
        "owner",
        *VENDOR_READ_ONLY,
    }
)
# The list example's smaller field set.
LIST_FIELDS = (
    "lastName",
    "accountId",
    "firstName",
    "photoURL",
    "secondaryEmail",
    "phone",
    "zohoCRMContact",
    "id",
    "customerHappiness",
    "ownerId",
    "type",
    "email",
)
# What the vendor's list item (contactListViewArray) requires beyond the list example's fields.
LIST_VENDOR_FIELDS = ("mobile", "createdTime", "accountCount", "isAnonymous", "isEndUser", "isSpam", "webUrl")
LIST_SORTS = ("firstName", "lastName", "phone", "email", "account", "createdTime", "modifiedTime")


def recount_contacts(org: Org, *account_ids: str | None) -> None:
    """An account's contactCount custom field: how many contacts it has, as text."""
    for account_id in {account_id for account_id in account_ids if account_id in org.accounts}:
        count = sum(1 for contact in org.contacts.values() if contact.get("accountId") == account_id)
        org.accounts[account_id]["customFields"]["contactCount"] = str(count)


def contact_view(org: Org, contact: Record) -> Record:
    """One contact (read, create, update): its fields over the vendor's always-present ones."""
    return {**contact_extras(org, contact), **public(contact)}


def _embedded(org: Org, contact: Record, view: Record, embeds: Any) -> Record:
    if "accounts" in embeds:
        view["account"] = account_summary(org, contact.get("accountId"))
    if "owner" in embeds:
        view["owner"] = owner_summary(org, contact.get("ownerId"))
    return view


def _read(org: Org) -> Callable[[Record, str], Any]:
    """What `sortBy` reads: `account` sorts by the account's name."""

    def read(record: Record, name: str) -> Any:
        if name == "account":
            account = org.accounts.get(record.get("accountId") or "")
            return None if account is None else account.get("accountName")
        return record.get(name)

    return read


def _list_item(org: Org, contact: Record) -> Record:
    """A contact as the list shows it: the list example's fields, then the vendor's required ones."""
    view = contact_view(org, contact)
    return {name: view.get(name) for name in (*LIST_FIELDS, *LIST_VENDOR_FIELDS)}


def list_contacts(call: Call) -> Reply:
    contacts = list(call.org.contacts.values())
    if "sortBy" in call.query:
        field_name, descending = call.query["sortBy"]
        contacts = sort_records(contacts, field_name, descending, get=_read(call.org))
    embeds = call.query.get("include", ())
    return listing(
        [_embedded(call.org, contact, _list_item(call.org, contact), embeds) for contact in page(contacts, call.query)]
    )


def get_contact(call: Call) -> Reply:
    contact = find(call.org, "contacts", call.path["contact_id"])
    return ok(_embedded(call.org, contact, contact_view(call.org, contact), call.query.get("include", ())))


def create_contact(call: Call) -> Reply:
    values = read_customer_fields(call.org, call.body, CONTACT_FIELDS, READ_ONLY, required=("lastName",))
    contact = new_contact(call.org, **values)
    call.org.contacts[contact["id"]] = contact
    recount_contacts(call.org, contact.get("accountId"))
    return ok(contact_view(call.org, contact))


def update_contact(call: Call) -> Reply:
    contact = find(call.org, "contacts", call.path["contact_id"])
    body = body_object(call.body)
    required = ("lastName",) if "lastName" in body else ()  # it may be left out, never emptied
    values = read_customer_fields(call.org, body, CONTACT_FIELDS, READ_ONLY, required=required)
    before = contact.get("accountId")
    apply_fields(contact, values, call.now_text)
    recount_contacts(call.org, before, contact.get("accountId"))
    return ok(contact_view(call.org, contact))


def list_contact_tickets(call: Call) -> Reply:
    contact = find(call.org, "contacts", call.path["contact_id"])
    return customer_tickets(call, {contact["id"]}, undeclared=("category", "subCategory", "layoutId"))


ATTACHMENTS = Attachments(parent="contacts", store="contact_attachments")
CONTACT = "/contacts/{contact_id:id}"
ENDPOINTS = [
    Endpoint(
        "GET",
        "/contacts",
        list_contacts,
        CUSTOMER_READ,
        params={**PAGING, "sortBy": Sort(fields=LIST_SORTS), "include": include("accounts"), "viewId": Id()},
    ),
    Endpoint("POST", "/contacts", create_contact, CUSTOMER_CREATE, body="json"),
    Endpoint("GET", CONTACT, get_contact, CUSTOMER_READ, params={"include": include("accounts", "owner")}),
    Endpoint("PATCH", CONTACT, update_contact, CUSTOMER_UPDATE, body="json"),
    Endpoint(
        "GET",
        CONTACT + "/tickets",
        list_contact_tickets,
        CUSTOMER_READ,
        required_scopes=TICKETS_REQUIRED,
        params=customer_ticket_params("products", "departments", "assignee"),
    ),
    *ATTACHMENTS.endpoints(),
]
