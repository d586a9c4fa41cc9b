"""The fields the vendor's spec lists as always present on a record beyond the seed's field sets, derived from the
record when it is shown (pure; nothing here is stored, so the seed's records and their builders stay as they are).

Views put the record's own fields over these, so a field the seed shows keeps the seed's value and type (a
ticket's isDeleted stays the text "false": tests/fixtures/vendor_contradictions.json). Fields the sandbox has
nothing behind are their empty form (null, [], "0", false), with the vendor's types.
"""

from __future__ import annotations

from typing import Any

from sandbox.clock import format_time, parse_time
from sandbox.records.common import API_ROOT, full_name
from sandbox.records.custom_fields import cf_view
from sandbox.records.history import HISTORY_KEY
from sandbox.records.tickets import THREAD_CHANNELS
from sandbox.state import Org, Record

SYSTEM_SOURCE = {"appName": None, "appPhotoURL": None, "extId": None, "permalink": None, "type": "SYSTEM"}
REPLY_CHANNELS = frozenset({"EMAIL", "FACEBOOK", "TWITTER", "FORUMS"})
CONTENT_TYPES = {"html": "text/html", "plainText": "plainText"}
MODULE_LAYOUT_OFFSET = {"contacts": 3000, "accounts": 3001}  # below the org's id base: ids no record has


def ticket_layout(org: Org, department_id: str | None) -> Record | None:
    department = org.departments.get(department_id or "", {})
    return department.get("_layout")


def module_layout(org: Org, module: str) -> Record:
    """The one layout contacts (or accounts) have in the sandbox: {id, layoutName}."""
    return {"id": str(org.id_base - MODULE_LAYOUT_OFFSET[module]), "layoutName": f"Standard {module.title()} Layout"}


def _overdue(org: Org, ticket: Record) -> bool:
    due = ticket.get("dueDate")
    return isinstance(due, str) and ticket.get("statusType") != "Closed" and parse_time(due) < org.now()


def _on_hold_since(ticket: Record) -> str | None:
    """When an On Hold ticket was put on hold, as its history recorded it (null otherwise, or when unrecorded)."""
    if ticket.get("statusType") != "On Hold":
        return None
    for event in reversed(ticket.get(HISTORY_KEY) or ()):
        for item in event["eventInfo"]:
            if item["propertyName"] == "status" and item["propertyValue"].get("updatedValue") == ticket["status"]:
                return str(event["eventTime"])
    return None


def ticket_extras(org: Org, ticket: Record) -> dict[str, Any]:
    layout = ticket_layout(org, ticket.get("departmentId"))
    contact = org.contacts.get(ticket.get("contactId") or "", {})
    return {
        "accountId": contact.get("accountId"),
        "cf": cf_view("tickets", ticket.get("customFields")),
        "channelCode": THREAD_CHANNELS.get(ticket.get("channel") or ""),
        "channelRelatedInfo": None,
        "createdBy": None,
        "modifiedBy": None,
        "entitySkills": [],
        "followerCount": "0",
        "isArchived": False,
        "isEscalated": ticket.get("status") == "Escalated",
        "isFollowing": False,
        "isOverDue": _overdue(org, ticket),
        "isResponseOverdue": False,
        "isSpam": bool(ticket.get("_spam")),
        "isTrashed": False,
        "language": "English",
        "layoutDetails": None if layout is None else {"id": layout["id"], "layoutName": layout["layoutName"]},
        "layoutId": None if layout is None else layout["id"],
        "onholdTime": _on_hold_since(ticket),
        "responseDueDate": None,
        "secondaryContacts": [],
        "sentiment": None,
        "sharedDepartments": list(ticket.get("_sharedDepartments") or []),
        "slaId": None,
        "source": dict(SYSTEM_SOURCE),
        "tagCount": str(len(ticket.get("_tags") or ())),
        "teamId": None,
    }


def _responded_in(org: Org, thread: Record) -> str | None:
    """An agent's reply: the time since the customer's message before it, as "HH:MM hrs"; else null."""
    if thread.get("direction") != "out":
        return None
    earlier = [
        t["createdTime"]
        for t in org.children("threads", thread.get("_ticketId") or "")
        if t.get("direction") == "in" and t["createdTime"] <= thread["createdTime"]
    ]
    if not earlier:
        return None
    minutes = int((parse_time(thread["createdTime"]) - parse_time(max(earlier))).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d} hrs"


def email_extras(thread: Record) -> dict[str, Any]:
    """What an EMAIL thread adds (the vendor's emailThreadResponseJson)."""
    link = f"{API_ROOT}/tickets/{thread.get('_ticketId')}/threads/{thread['id']}/originalContent"
    return {
        "attachmentIds": [item["id"] for item in thread.get("attachments") or ()],
        "fullContentURL": link,
        "isContentTruncated": False,
        "replyTo": None,
    }


def thread_extras(org: Org, thread: Record) -> dict[str, Any]:
    threads = org.children("threads", thread.get("_ticketId") or "")
    first = min(threads, key=lambda t: t["createdTime"], default=None)
    email = email_extras(thread) if thread.get("channel") == "EMAIL" else {}
    return {
        **email,
        "aspects": [],
        "attachmentCount": str(len(thread.get("attachments") or ())),
        "canReply": thread.get("channel") in REPLY_CHANNELS and thread.get("status") != "DRAFT",
        "channelRelatedInfo": None,
        "contentType": CONTENT_TYPES.get(thread.get("_contentType") or "", "plainText"),
        "impersonatedUser": None,
        "isDescriptionThread": first is thread and thread.get("direction") == "in",
        "keyWords": [],
        "lastRatingIconURL": None,
        "readReceipts": [],
        "respondedIn": _responded_in(org, thread),
        "sentiment": "NEUTRAL",  # an EMAIL thread's schema allows no null here
        "source": dict(SYSTEM_SOURCE),
    }


def author_extras(org: Org, thread: Record) -> dict[str, Any]:
    """A thread author's id, firstName and lastName (the vendor's author; the seed's shows name, type, email and
    photoURL): the replying agent, or the ticket's contact for a customer's message."""
    if thread.get("direction") == "out":
        person = org.agents.get(thread.get("responderId") or "", {})
    else:
        ticket = org.tickets.get(thread.get("_ticketId") or "", {})
        person = org.contacts.get(ticket.get("contactId") or "", {})
    return {"id": person.get("id"), "firstName": person.get("firstName"), "lastName": person.get("lastName")}


def agent_extras(agent: Record, permission_type: str) -> dict[str, Any]:
    return {
        "name": full_name(agent.get("firstName"), agent.get("lastName")),
        "aboutInfo": None,
        "channelExpert": [],
        "rolePermissionType": permission_type,
        "timeZone": "UTC",
    }


def contact_extras(org: Org, contact: Record) -> dict[str, Any]:
    layout = module_layout(org, "contacts")
    return {
        "accountCount": "1" if contact.get("accountId") else "0",
        "cf": cf_view("contacts", contact.get("customFields")),
        "isAnonymous": False,
        "isEndUser": bool(contact.get("email")),
        "isFollowing": False,
        "isSpam": False,
        "isTrashed": False,
        "layoutDetails": layout,
        "layoutId": layout["id"],
        "webUrl": org.web_url("Contacts", contact["id"]),
    }


def account_extras(org: Org, account: Record) -> dict[str, Any]:
    layout = module_layout(org, "accounts")
    return {
        "cf": cf_view("accounts", account.get("customFields")),
        "isDeleted": False,
        "isFollowing": False,
        "isTrashed": False,
        "layoutDetails": layout,
        "layoutId": layout["id"],
        "webUrl": org.web_url("Accounts", account["id"]),
        "zohoCRMAccount": None,
    }


def department_extras(org: Org, department: Record, chat_status: str) -> dict[str, Any]:
    layout = department.get("_layout") or {}
    return {
        "chatStatus": chat_status,
        "createdTime": layout.get("createdTime") or format_time(org.now()),
        "isAssignToTeamEnabled": bool(department.get("_teams")),
        "isDefault": bool(department.get("isDefault")),
        "sanitizedName": department["name"].lower().replace(" ", ""),
    }


def task_extras(org: Org, task: Record) -> dict[str, Any]:
    ticket = org.tickets.get(task.get("ticketId") or "", {})
    return {
        "activityTime": task.get("dueDate") or task.get("createdTime"),
        "cf": {},
        "contactId": ticket.get("contactId"),
        "isSpam": False,
        "isTrashed": False,
        "layoutId": None,
        "modifiedBy": None,
        "reminder": None,
        "statusType": "Closed" if task.get("status") == "Completed" else "Open",
        "webUrl": org.web_url("Tasks", task["id"]),
    }


def organization_extras(org: Org) -> dict[str, Any]:
    """An organisation's keys beyond the seed's profile (GET /accessibleOrganizations shows them too)."""
    unknown = ("country", "city", "description", "employeeCount", "faviconURL", "street", "alias", "state", "fax")
    return {
        **dict.fromkeys((*unknown, "zip", "website", "mobile", "primaryContact")),
        "edition": org.edition.upper(),
        "portalName": org.portal,
        "currencyLocale": "US",
        "currencySymbol": "$",
        "currencyCode": "USD",
        "isPayloadEncryptionEnabled": False,
        "isSandboxPortal": False,
    }
