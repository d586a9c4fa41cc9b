"""Tickets and what hangs off them (threads, comments, time entries, tasks), plus what the Desk derives.

Field sets follow the seed's examples exactly. Summaries of other records (ticket.contact, task.ticket, ...) are
not stored: records keep ids and the serialiser embeds on `include=`. A thread's author and a comment's commenter
are part of the record itself (the examples show them on every read), so they are stored as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from sandbox.records.common import API_ROOT, amount_text, count_text, file_ref, stamp, summarize
from sandbox.state import COUNT_FIELDS, Org, Record

# The ticket layout's custom fields (the seed's example): every ticket carries all of them, null when unset.
TICKET_CUSTOM_FIELDS: dict[str, Any] = {
    "secondaryEmail": None,
    "ModelName": None,
    "severityPercentage": "0.0",
    "phone": None,
    "numberOfItems": None,
    "dateofPurchase": None,
    "permanentAddress": None,
    "url": None,
}
# A ticket's channel ("Email") and the channel its threads carry ("EMAIL").
THREAD_CHANNELS = {
    "Email": "EMAIL",
    "Phone": "PHONE",
    "Chat": "ONLINE_CHAT",
    "Web": "WEB",
    "Forums": "FORUMS",
    "Twitter": "TWITTER",
    "Facebook": "FACEBOOK",
}
REOPEN_ON_CUSTOMER_REPLY = frozenset({"Closed", "On Hold"})  # statusTypes a customer's reply moves back to Open
REOPENED_STATUS = "Open"
TASK_DONE_STATUS = "Completed"
MENTION = re.compile(r"zsu\[@user:(\d+)\]zsu")
_CENT = Decimal("0.01")


def new_ticket(
    org: Org,
    *,
    subject: str,
    departmentId: str,
    contactId: str,
    status: str = "Open",
    priority: str | None = None,
    channel: str | None = "Email",
    email: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    assigneeId: str | None = None,
    category: str | None = None,
    subCategory: str | None = None,
    classification: str | None = None,
    resolution: str | None = None,
    dueDate: str | None = None,
    productId: str | None = None,
    customFields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Record:
    """A new ticket, not yet added: the caller does `org.add_ticket` (which sets the counts and indexes it)."""
    ticket_id, created = org.new_id(), stamp(org, at)
    ticket: Record = {
        "id": ticket_id,
        "ticketNumber": org.next_ticket_number(),
        "subject": subject,
        "departmentId": departmentId,
        "contactId": contactId,
        "productId": productId or None,
        "email": email,
        "phone": phone,
        "description": description,
        "status": None,
        "statusType": None,
        "assigneeId": assigneeId or None,
        "category": category,
        "subCategory": subCategory,
        "classification": classification or None,
        "resolution": resolution,
        "dueDate": dueDate,
        "priority": priority,
        "channel": channel,
        "customFields": {**TICKET_CUSTOM_FIELDS, **(customFields or {})},
        "webUrl": org.web_url("Cases", ticket_id),
        "createdTime": created,
        "modifiedTime": created,
        "customerResponseTime": created,
        "closedTime": None,
        "isDeleted": "false",
        "approvalCount": "0",
        **{count_field: "0" for count_field in COUNT_FIELDS.values()},
    }
    org.set_status(ticket, status)
    if ticket["closedTime"] is not None:
        ticket["closedTime"] = created  # created closed: closed at creation, not at the clock's now
    return ticket


def thread_actions(ticket_id: str, thread_id: str, status: str) -> list[Record]:
    """The links a thread offers in its state: a draft can be sent or deleted, a failed reply re-sent."""
    if status == "DRAFT":
        return [
            {
                "method": "POST",
                "rel": "send",
                "href": f"{API_ROOT}/tickets/{ticket_id}/sendDraft?draftThreadId={thread_id}",
            },
            {"method": "DELETE", "rel": "delete", "href": f"{API_ROOT}/tickets/{ticket_id}/draftReply/{thread_id}"},
        ]
    if status == "FAILED":
        return [
            {
                "method": "POST",
                "rel": "send",
                "href": f"{API_ROOT}/tickets/{ticket_id}/resendFailedThread?threadId={thread_id}",
            }
        ]
    return []


def new_thread(
    org: Org,
    ticket_id: str,
    *,
    direction: str,
    channel: str,
    content: str,
    author: Record,
    fromEmailAddress: str | None = None,
    to: str | None = None,
    cc: str = "",
    bcc: str = "",
    contentType: str = "plainText",
    isForward: bool = False,
    isDraft: bool = False,
    status: str | None = None,
    responderId: str | None = None,
    uploads: Sequence[Record] = (),
    visibility: str = "public",
    at: datetime | None = None,
) -> Record:
    """A thread ("in" from the customer, "out" from an agent). `responderId` exists on outgoing threads only,
    as in the examples; contentType is kept internally (`_contentType`): no example shows it."""
    thread_id = org.new_id()
    status = status or ("DRAFT" if isDraft else "SUCCESS")
    attachments = [
        file_ref(upload, f"{API_ROOT}/tickets/{ticket_id}/threads/{thread_id}/attachments/{upload['id']}/content")
        for upload in uploads
    ]
    thread: Record = {
        "id": thread_id,
        "channel": channel,
        "direction": direction,
        "status": status,
        "summary": summarize(content),
        "content": content,
        "createdTime": stamp(org, at),
        "visibility": visibility,
        "author": dict(author),
        "fromEmailAddress": fromEmailAddress,
        "to": to,
        "cc": cc,
        "bcc": bcc,
        "isForward": bool(isForward),
        "hasAttach": bool(attachments),
        "attachments": attachments,
        "actions": thread_actions(ticket_id, thread_id, status),
        "_contentType": contentType,
    }
    if direction == "out":
        thread["responderId"] = responderId
    return thread


def apply_thread_to_ticket(org: Org, ticket: Record, thread: Record, *, touch: bool = True) -> None:
    """What a new thread does to its ticket.

    A customer's message ("in") is the ticket's latest customer response, and re-opens a Closed or On Hold
    ticket: the Desk's default (its "reopen on customer reply" setting is on, and On Hold waits for the
    customer). Custom Open-type statuses such as "Escalated" are left alone. An agent's reply ("out") changes
    no field: the reply API takes no status. Drafts change nothing but the thread count. Every thread moves
    modifiedTime (`touch=False` lets the seed write history and set modifiedTime itself).
    """
    if thread["direction"] == "in" and thread["status"] != "DRAFT":
        ticket["customerResponseTime"] = thread["createdTime"]
        if ticket.get("statusType") in REOPEN_ON_CUSTOMER_REPLY:
            org.set_status(ticket, REOPENED_STATUS)
    if touch:
        org.touch(ticket)


def mention(agent: Record) -> str:
    """An @mention as comments carry it: by zuid, not by agent id."""
    return f"zsu[@user:{agent['zuid']}]zsu"


def mentioned_zuids(content: str | None) -> list[str]:
    return MENTION.findall(content or "")


def new_comment(
    org: Org,
    ticket_id: str,
    *,
    content: str,
    commenterId: str,
    commenter: Record,
    isPublic: bool = False,
    uploads: Sequence[Record] = (),
    at: datetime | None = None,
) -> Record:
    """A ticket comment; `attachments` exists only on a comment that has some, as in the examples."""
    comment_id = org.new_id()
    comment: Record = {
        "id": comment_id,
        "content": content,
        "isPublic": bool(isPublic),
        "commentedTime": stamp(org, at),
        "modifiedTime": None,
        "commenterId": commenterId,
        "commenter": dict(commenter),
    }
    if uploads:
        comment["attachments"] = [
            file_ref(upload, f"{API_ROOT}/tickets/{ticket_id}/comments/{comment_id}/attachments/{upload['id']}/content")
            for upload in uploads
        ]
    return comment


def compute_total_cost(entry: Record) -> str | None:
    """hours (with minutes and seconds as fractions) x agentCostPerHour + additionalCost, to the cent, rounded
    half-even: the seed's examples give "20.17", "45.72" and "657.46". Null when neither cost is set."""
    rate, extra = entry.get("agentCostPerHour"), entry.get("additionalCost")
    if rate is None and extra is None:
        return None
    hours = (
        Fraction(int(entry.get("hoursSpent") or 0))
        + Fraction(int(entry.get("minutesSpent") or 0), 60)
        + Fraction(int(entry.get("secondsSpent") or 0), 3600)
    )
    total = hours * Fraction(Decimal(rate or 0)) + Fraction(Decimal(extra or 0))
    exact = Decimal(total.numerator) / Decimal(total.denominator)
    return str(exact.quantize(_CENT, rounding=ROUND_HALF_EVEN))


def new_time_entry(
    org: Org,
    *,
    creatorId: str,
    hoursSpent: Any = 0,
    minutesSpent: Any = 0,
    secondsSpent: Any = 0,
    ownerId: str | None = None,
    executedTime: str | None = None,
    agentCostPerHour: Any = None,
    additionalCost: Any = None,
    description: str | None = None,
    requestChargeType: str | None = None,
    customFields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Record:
    """A ticket time entry; numbers as strings, totalCost derived (a client's totalCost is ignored)."""
    entry: Record = {
        "id": org.new_id(),
        "hoursSpent": count_text(hoursSpent),
        "minutesSpent": count_text(minutesSpent),
        "secondsSpent": count_text(secondsSpent),
        "executedTime": executedTime,
        "agentCostPerHour": amount_text(agentCostPerHour),
        "additionalCost": amount_text(additionalCost),
        "totalCost": None,
        "description": description,
        "requestChargeType": requestChargeType,
        "ownerId": ownerId,
        "creatorId": creatorId,
        "customFields": dict(customFields or {}),
        "createdTime": stamp(org, at),
    }
    entry["totalCost"] = compute_total_cost(entry)
    return entry


def new_task(
    org: Org,
    *,
    subject: str,
    departmentId: str,
    creatorId: str,
    ticketId: str | None = None,
    ownerId: str | None = None,
    dueDate: str | None = None,
    priority: str | None = None,
    status: str = "Not Started",
    category: str | None = None,
    description: str | None = None,
    customFields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Record:
    """A task, on a ticket or on its own. `isCommented` is in the list example, so it is kept too."""
    created = stamp(org, at)
    task: Record = {
        "id": org.new_id(),
        "subject": subject,
        "departmentId": departmentId,
        "ticketId": ticketId,
        "ownerId": ownerId,
        "creatorId": creatorId,
        "dueDate": dueDate,
        "priority": priority,
        "status": None,
        "completedTime": None,
        "category": category,
        "description": description,
        "isCommented": False,
        "customFields": dict(customFields or {}),
        "createdTime": created,
        "modifiedTime": created,
    }
    set_task_status(task, status, at=created)
    return task


def set_task_status(task: Record, status: str, *, at: str) -> None:
    """Completing a task stamps completedTime; any other status clears it."""
    if status == TASK_DONE_STATUS and task.get("status") != TASK_DONE_STATUS:
        task["completedTime"] = at
    elif status != TASK_DONE_STATUS:
        task["completedTime"] = None
    task["status"] = status
