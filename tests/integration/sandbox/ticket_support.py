"""What the ticket and thread tests share: the seed examples' key sets and ways to make fresh records over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.sandbox.desk_support import seeded_tickets

# Key sets of the seed's examples (desk-api-v1.zh.txt).
TICKET_KEYS = {
    "modifiedTime",
    "ticketNumber",
    "subCategory",
    "statusType",
    "subject",
    "customFields",
    "dueDate",
    "departmentId",
    "channel",
    "description",
    "resolution",
    "closedTime",
    "approvalCount",
    "timeEntryCount",
    "isDeleted",
    "createdTime",
    "id",
    "email",
    "customerResponseTime",
    "productId",
    "contactId",
    "threadCount",
    "priority",
    "classification",
    "assigneeId",
    "commentCount",
    "taskCount",
    "phone",
    "webUrl",
    "attachmentCount",
    "category",
    "status",
}
LIST_KEYS = {
    "ticketNumber",
    "customerResponseTime",
    "statusType",
    "productId",
    "contactId",
    "subject",
    "dueDate",
    "departmentId",
    "channel",
    "threadCount",
    "priority",
    "assigneeId",
    "closedTime",
    "commentCount",
    "phone",
    "webUrl",
    "createdTime",
    "id",
    "email",
    "status",
}
# the seed's embedded contact, plus mobile: the vendor's (an account's tickets: getTicketsByAccountResponse)
CONTACT_KEYS = {"firstName", "lastName", "phone", "id", "type", "email", "account"} | {"mobile"}
ACCOUNT_KEYS = {"website", "accountName", "id"}
REPLY_KEYS = {  # sendReply / draftReply examples
    "summary",
    "cc",
    "bcc",
    "attachments",
    "visibility",
    "author",
    "channel",
    "content",
    "isForward",
    "hasAttach",
    "responderId",
    "createdTime",
    "id",
    "to",
    "fromEmailAddress",
    "actions",
    "status",
    "direction",
}
AUTHOR_KEYS = {"photoURL", "name", "type", "email"}


def org_portal(client: httpx.Client) -> str:
    orgs = client.get("/organizations").json()["data"]
    return next(org["organizationName"] for org in orgs if org["id"] == client.headers["orgId"])


def reply_addresses(client: httpx.Client) -> tuple[str, str]:
    """(an active reply address, the retired one): the seed names them after the department and the portal."""
    portal = org_portal(client)
    return f"support@{portal}.zohodesk.com", f"helpdesk@{portal}.zohodesk.com"


def make_ticket(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A fresh ticket in a seeded department for a seeded contact; `fields` override."""
    seeded = seeded_tickets(client)[0]
    body = {
        "subject": "Printer on fire",
        "departmentId": seeded["departmentId"],
        "contactId": seeded["contactId"],
        "description": "It is on fire.",
        **fields,
    }
    answer = client.post("/tickets", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def acting_agent(client: httpx.Client) -> str:
    """The agent the token acts as (the seed's administrator, in every department): a draft names it."""
    created = make_ticket(client)
    draft = client.post(f"/tickets/{created['id']}/draftReply", json={"channel": "FACEBOOK", "content": "x"})
    return draft.json()["responderId"]


def member_and_outsider(client: httpx.Client) -> tuple[str, str, str]:
    """(agent, a department it belongs to, one it does not), found by asking the API whether it may assign."""
    tickets = seeded_tickets(client)
    departments = list(dict.fromkeys(ticket["departmentId"] for ticket in tickets))
    for agent in dict.fromkeys(ticket["assigneeId"] for ticket in tickets if ticket["assigneeId"]):
        member = [dept for dept in departments if _may_assign(client, agent, dept)]
        others = [dept for dept in departments if dept not in member]
        if member and others:
            return agent, member[0], others[0]
    raise AssertionError("the seed has no agent outside some department")


def _may_assign(client: httpx.Client, agent: str, department: str) -> bool:
    seeded = seeded_tickets(client)[0]
    body = {"subject": "probe", "departmentId": department, "contactId": seeded["contactId"], "assigneeId": agent}
    return client.post("/tickets", json=body).status_code == 200
