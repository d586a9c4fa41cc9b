"""Accounts: GET/POST /accounts, GET/PATCH /accounts/{id}, GET /accounts/{id}/tickets, and their attachments.

What the Desk derives: an account's tickets are the tickets of its contacts (read at each call, so moving a
contact to another account moves its tickets with it); a write moves modifiedTime; `contactCount` is kept by
the contact writes (see contacts.recount_contacts).
Choices where the seed is silent: creates answer 200 (the vendor's spec); account names are unique in an org,
compared without case (a second "Zylker" is 422 INVALID_DATA, errorType "duplicate"); `annualrevenue` is stored
as decimal text ("0.0", as the search example shows); lists run in creation order unless sorted.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import invalid_data
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Sort, include
from sandbox.records import new_account
from sandbox.records.common import amount_text
from sandbox.records.vendor_fields import account_extras
from sandbox.resources.body_fields import Amount, Field, IdList, Text, body_object
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
    apply_fields,
    customer_ticket_params,
    customer_tickets,
    find,
    owner_summary,
    read_customer_fields,
)
from sandbox.state import Org, Record, public

# Lengths from the vendor's spec.
ACCOUNT_FIELDS: dict[str, Field] = {
    "accountName": Text(nullable=False, max_length=200),
    "email": Email(max_length=255),
    "website": Words(max_length=120),
    "fax": Words(max_length=30),
    "ownerId": OptionalRef(collection="agents"),
    "associatedSLAIds": IdList(),
    "industry": Words(max_length=120),
    "city": Words(max_length=30),
    "country": Words(max_length=30),
    "state": Words(max_length=30),
    "street": Words(max_length=250),
    "code": Words(max_length=30),
    "description": Words(max_length=65535),
    "phone": Words(max_length=30),
    "annualrevenue": Amount(),
    **custom_value_fields("accounts"),
}
# The vendor's always-present fields shown on one account (records/vendor_fields.py): ignored when sent back.
VENDOR_READ_ONLY = ("isDeleted", "isFollowing", "isTrashed", "layoutDetails", "layoutId", "webUrl", "zohoCRMAccount")
READ_ONLY = frozenset({"id", "createdTime", "modifiedTime", "owner", *VENDOR_READ_ONLY})
LIST_FIELDS = ("website", "accountName", "phone", "id", "email")  # the list example's field set
# What the vendor's list item (accountListArray) requires beyond the list example's fields.
LIST_VENDOR_FIELDS = ("createdTime", "customerHappiness", "webUrl", "zohoCRMAccount")
LIST_SORTS = ("accountName", "website", "email", "phone", "createdTime", "modifiedTime")


def _read_account(org: Org, body: Any, exclude_id: str | None = None) -> dict[str, Any]:
    body = body_object(body)
    required = ("accountName",) if exclude_id is None or "accountName" in body else ()
    values = read_customer_fields(org, body, ACCOUNT_FIELDS, READ_ONLY, required=required)
    name = (values.get("accountName") or "").strip().lower()
    if name and any(a["accountName"].lower() == name and a["id"] != exclude_id for a in org.accounts.values()):
        raise invalid_data(("accountName", "duplicate"))
    if "annualrevenue" in values:
        values["annualrevenue"] = amount_text(values["annualrevenue"])
    return values


def account_view(org: Org, account: Record) -> Record:
    """One account (read, create, update): its fields over the vendor's always-present ones."""
    return {**account_extras(org, account), **public(account)}


def _with_owner(org: Org, account: Record, view: Record, embeds: Any) -> Record:
    if "owner" in embeds:
        view["owner"] = owner_summary(org, account.get("ownerId"))
    return view


def list_accounts(call: Call) -> Reply:
    accounts = list(call.org.accounts.values())
    if "sortBy" in call.query:
        accounts = sort_records(accounts, *call.query["sortBy"])
    views = [account_view(call.org, account) for account in page(accounts, call.query)]
    return listing([{name: view.get(name) for name in (*LIST_FIELDS, *LIST_VENDOR_FIELDS)} for view in views])


def get_account(call: Call) -> Reply:
    account = find(call.org, "accounts", call.path["account_id"])
    return ok(_with_owner(call.org, account, account_view(call.org, account), call.query.get("include", ())))


def create_account(call: Call) -> Reply:
    account = new_account(call.org, **_read_account(call.org, call.body))
    call.org.accounts[account["id"]] = account
    return ok(account_view(call.org, account))


def update_account(call: Call) -> Reply:
    account = find(call.org, "accounts", call.path["account_id"])
    apply_fields(account, _read_account(call.org, call.body, exclude_id=account["id"]), call.now_text)
    return ok(account_view(call.org, account))


def list_account_tickets(call: Call) -> Reply:
    account = find(call.org, "accounts", call.path["account_id"])
    contact_ids = {contact["id"] for contact in call.org.contacts.values() if contact.get("accountId") == account["id"]}
    return customer_tickets(call, contact_ids)


ATTACHMENTS = Attachments(parent="accounts", store="account_attachments")
ACCOUNT = "/accounts/{account_id:id}"
ENDPOINTS = [
    Endpoint("GET", "/accounts", list_accounts, CUSTOMER_READ, params={**PAGING, "sortBy": Sort(fields=LIST_SORTS)}),
    Endpoint("POST", "/accounts", create_account, CUSTOMER_CREATE, body="json"),
    Endpoint("GET", ACCOUNT, get_account, CUSTOMER_READ, params={"include": include("owner")}),
    Endpoint("PATCH", ACCOUNT, update_account, CUSTOMER_UPDATE, body="json"),
    Endpoint(
        "GET",
        ACCOUNT + "/tickets",
        list_account_tickets,
        CUSTOMER_READ,
        required_scopes=TICKETS_REQUIRED,
        params=customer_ticket_params("contacts", "products", "departments", "assignee"),
    ),
    *ATTACHMENTS.endpoints(),
]
