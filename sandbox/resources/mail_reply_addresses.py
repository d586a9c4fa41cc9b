"""GET /mailReplyAddress: the addresses replies are sent from, filtered by departmentId and isActive.

Choices where the seed is silent: either scope it names (Desk.settings.READ or Desk.basic.READ) suffices;
`from`/`limit` page as every list does (the vendor's spec has them), default 10; creation order.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.listing import page
from sandbox.params import PAGING, Flag, Id
from sandbox.state import public

SCOPES = ("Desk.settings.READ", "Desk.basic.READ")


def list_mail_reply_addresses(call: Call) -> Reply:
    query = call.query
    addresses = [
        address
        for address in call.org.mail_reply_addresses.values()
        if ("departmentId" not in query or address.get("departmentId") == query["departmentId"])
        and ("isActive" not in query or address.get("isActive") == query["isActive"])
    ]
    return listing([public(address) for address in page(addresses, query)])


ENDPOINTS = [
    Endpoint(
        "GET",
        "/mailReplyAddress",
        list_mail_reply_addresses,
        SCOPES,
        params={**PAGING, "departmentId": Id(), "isActive": Flag()},
    ),
]
