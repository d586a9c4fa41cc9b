"""GET /mailReplyAddress: the addresses replies are sent from, filtered by departmentId and isActive.

An address shows the seed's fields and those the vendor's getReplyMailAddressesResponse requires: isVerified,
createdBy and modifiedBy cards, created/modified time, serviceProviderType and smtpDetails.
Choices where the seed is silent: either scope it names (Desk.settings.READ or Desk.basic.READ) suffices;
`from`/`limit` page as every list does (the vendor's spec has them), default 10; creation order; every address is
verified, set up by the org's admin when its department was, sent through the Desk itself (serviceProviderType
and smtpDetails null: no SMTP of one's own).
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.listing import page
from sandbox.params import PAGING, Flag, Id
from sandbox.records.common import API_ROOT
from sandbox.state import Org, Record, public

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")


def _view(org: Org, address: Record) -> Record:
    admin = next(iter(org.agents.values()))
    names = {"firstName": admin.get("firstName"), "lastName": admin.get("lastName"), "email": admin.get("emailId")}
    card = {"id": admin["id"], **names, "photoURL": f"{API_ROOT}/agents/{admin['id']}/photo"}
    department = org.departments.get(address.get("departmentId") or "", {})
    made = (department.get("_layout") or {}).get("createdTime")
    return {
        **public(address),
        "isVerified": True,
        "createdBy": card,
        "modifiedBy": dict(card),
        "createdTime": made,
        "modifiedTime": made,
        "serviceProviderType": None,
        "smtpDetails": None,
    }


def list_mail_reply_addresses(call: Call) -> Reply:
    query = call.query
    addresses = [
        address
        for address in call.org.mail_reply_addresses.values()
        if ("departmentId" not in query or address.get("departmentId") == query["departmentId"])
        and ("isActive" not in query or address.get("isActive") == query["isActive"])
    ]
    return listing([_view(call.org, address) for address in page(addresses, query)])


ENDPOINTS = [
    Endpoint(
        "GET",
        "/mailReplyAddress",
        list_mail_reply_addresses,
        SCOPES,
        params={**PAGING, "departmentId": Id(), "isActive": Flag()},
    ),
]
