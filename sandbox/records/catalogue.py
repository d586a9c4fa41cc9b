"""The set-up and activity records fidelity v2 serves (roles, profiles, products, articles, calls, events, help
centre users and groups), kept in `org.catalogue[kind]`, and `seed_catalogue`, which writes them for a seeded org.

Seeding draws nothing from the seed's random streams and runs after every other record exists: the records the
seed made before keep their ids and values. What it writes follows from the org's own records (an agent's role
and profile, a department's name, a ticket's contact), so the same seed still gives the same desk.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.clock import format_time
from sandbox.records.common import API_ROOT, full_name
from sandbox.state import Org, Record

PRODUCTS = (  # productName, productCode, unitPrice
    ("Zylker F3", "ZF3", "249.0"),
    ("Zylker X1 Pro", "ZX1P", "499.0"),
    ("Z-Router 300", "ZR300", "129.0"),
    ("Nimbus 9 Cloud", "NIM9", "19.0"),
)
PROFILE_TYPES = {"Administrator": "Administrator", "Agent": "Standard", "Support Manager": "Standard"}
ARTICLE_TITLES = ("How to reset your password", "Shipping times and tracking", "Updating the F3 firmware")
CALL_SHARE, EVENT_SHARE = 7, 11  # every 7th ticket got a call, every 11th an event
USER_GROUPS = ("Premium customers", "Beta testers")


def collection(org: Org, kind: str) -> dict[str, Record]:
    return org.catalogue.setdefault(kind, {})


def add(org: Org, kind: str, record: Record) -> Record:
    collection(org, kind)[record["id"]] = record
    return record


def seed_catalogue(org: Org, anchor: datetime) -> None:
    """Every catalogue kind for one org, after its agents, departments, contacts and tickets exist."""
    made = format_time(anchor - timedelta(days=60))
    admin = next(iter(org.agents.values()))
    _roles_and_profiles(org, admin["id"], made)
    _products(org, admin["id"], made)
    _articles(org, admin, made)
    _calls_and_events(org)
    _users(org, made)
    _custom_values(org)


def _roles_and_profiles(org: Org, admin_id: str, made: str) -> None:
    """From the agents' roleId/profileId and names: the first (the admin's) role is the top of the hierarchy."""
    top = None
    for agent in org.agents.values():
        role_id, profile_id = agent.get("roleId"), agent.get("profileId")
        if role_id and role_id not in collection(org, "roles"):
            name = agent.get("_roleName") or "Role"
            add(
                org,
                "roles",
                {
                    "id": role_id,
                    "name": name,
                    "description": f"{name} of the help desk",
                    "shareDataWithPeers": True,
                    "reportsTo": top,
                    "isDefault": top is None,
                    "isVisible": True,
                    "immediateSubRoles": [],
                },
            )
            if top is not None:
                collection(org, "roles")[top]["immediateSubRoles"].append(role_id)
            top = top or role_id
        if profile_id and profile_id not in collection(org, "profiles"):
            name = agent.get("_profileName") or "Profile"
            add(
                org,
                "profiles",
                {
                    "id": profile_id,
                    "name": name,
                    "description": f"{name} profile",
                    "type": PROFILE_TYPES.get(name, "Custom"),
                    "isVisible": True,
                    "default": name in PROFILE_TYPES,
                    "modifiedBy": admin_id,
                    "modifiedTime": made,
                },
            )


def _products(org: Org, admin_id: str, made: str) -> None:
    departments = list(org.departments)
    for name, code, price in PRODUCTS:
        product_id = org.new_id()
        org.products[product_id] = {
            "id": product_id,
            "productName": name,
            "productCode": code,
            "unitPrice": price,
            "description": f"{name} and its accessories",
            "departmentIds": departments[:2],
            "ownerId": admin_id,
            "layoutId": None,
            "layoutDetails": None,
            "productCategory": None,
            "manufacturer": None,
            "isDeleted": False,
            "cf": {},
            "customFields": {},
            "createdTime": made,
            "modifiedTime": made,
            "createdBy": admin_id,
            "modifiedBy": admin_id,
        }


def _articles(org: Org, admin: Record, made: str) -> None:
    department = next(iter(org.departments))
    for index, title in enumerate(ARTICLE_TITLES):
        article_id = org.new_id()
        permalink = title.lower().replace(" ", "-")
        add(
            org,
            "articles",
            {
                "id": article_id,
                "title": title,
                "summary": f"{title}: the steps, in short.",
                "answer": f"<p>{title}.</p>",
                "permalink": permalink,
                "status": "Published" if index < 2 else "Draft",
                "permission": "ALL",
                "categoryId": department,
                "departmentId": department,
                "authorId": admin["id"],
                "creatorId": admin["id"],
                "modifierId": admin["id"],
                "ownerId": admin["id"],
                "locale": "en",
                "latestVersion": "1.0",
                "viewCount": str(10 * (3 - index)),
                "likeCount": str(3 - index),
                "dislikeCount": "0",
                "webUrl": f"https://desk.zoho.com/portal/{org.portal}/en/kb/articles/{permalink}",
                "createdTime": made,
                "modifiedTime": made,
                "expiryDate": None,
            },
        )


def activity_base(org: Org, ticket: Record, kind: str, subject: str, start: str) -> Record:
    """What calls and events share: the ticket's department, contact and owner."""
    return {
        "id": org.new_id(),
        "subject": subject,
        "departmentId": ticket["departmentId"],
        "ticketId": ticket["id"],
        "contactId": ticket.get("contactId"),
        "ownerId": ticket.get("assigneeId"),
        "creatorId": ticket.get("assigneeId") or next(iter(org.agents)),
        "startTime": start,
        "priority": "Normal",
        "description": None,
        "cf": {},
        "createdTime": start,
        "modifiedTime": start,
        "webUrl": org.web_url(kind, ""),
    }


def _calls_and_events(org: Org) -> None:
    """A follow-up call on every CALL_SHARE-th assigned ticket, a meeting on every EVENT_SHARE-th (at creation)."""
    for number, ticket in enumerate(org.tickets.values()):
        if not ticket.get("assigneeId"):
            continue
        start = ticket["createdTime"]
        if number % CALL_SHARE == 0:
            call = activity_base(org, ticket, "Calls", f"Call about #{ticket['ticketNumber']}", start)
            call.update(direction="outbound", duration="300", status="Completed", completedTime=start)
            call["webUrl"] = org.web_url("Calls", call["id"])
            add(org, "calls", call)
            add(
                org,
                "callComments",
                {
                    "id": org.new_id(),
                    "_callId": call["id"],
                    "content": "Walked the customer through the fix on the phone.",
                    "contentType": "plainText",
                    "commentedTime": start,
                    "modifiedTime": None,
                    "commenterId": call["creatorId"],
                    "commenter": _commenter(org, call["creatorId"]),
                },
            )
        if number % EVENT_SHARE == 0:
            event = activity_base(org, ticket, "Events", f"Review meeting for #{ticket['ticketNumber']}", start)
            event.update(duration="1800", status="Completed", category="Meeting", completedTime=start)
            event["webUrl"] = org.web_url("Events", event["id"])
            add(org, "events", event)


def _custom_values(org: Org) -> None:
    """Contacts' lastContactedOn: the day of their latest ticket (tickets carry ModelName and numberOfItems from
    the story already)."""
    latest: dict[str, str] = {}
    for ticket in org.tickets.values():
        contact_id = ticket.get("contactId") or ""
        latest[contact_id] = max(latest.get(contact_id, ""), ticket["createdTime"])
    for contact_id, moment in latest.items():
        if contact_id in org.contacts:
            org.contacts[contact_id]["customFields"]["lastContactedOn"] = moment[:10]


def _commenter(org: Org, agent_id: str) -> Record:
    agent = org.agents.get(agent_id, {})
    return {
        "id": agent_id,
        "name": full_name(agent.get("firstName"), agent.get("lastName")),
        "type": "AGENT",
        "email": agent.get("emailId"),
        "photoURL": f"{API_ROOT}/agents/{agent_id}/photo",
        "roleName": agent.get("_roleName"),
    }


def _users(org: Org, made: str) -> None:
    """Every contact with an email is a help centre user (an ENDUSER, never signed in, no label); the first few
    users form the groups of the org's one help centre."""
    users = []
    for contact in org.contacts.values():
        if not contact.get("email"):
            continue
        user = {
            "id": org.new_id(),
            "name": full_name(contact.get("firstName"), contact.get("lastName")),
            "photoUrl": None,
            "emailAddress": contact["email"],
            "userType": "ENDUSER",
            "status": "ACTIVE",
            "lastAccessedTime": None,
            "label": None,
            "_contactId": contact["id"],
            "_modifiedTime": made,
            "_groups": [],
        }
        users.append(add(org, "users", user))
    help_center_id = org.new_id()
    for index, name in enumerate(USER_GROUPS):
        members = users[index * 5 : index * 5 + 5]
        group = add(
            org,
            "userGroups",
            {
                "id": org.new_id(),
                "name": name,
                "addedTime": made,
                "helpCenterId": help_center_id,
                "logoUrl": None,
                "status": "ACTIVE",
            },
        )
        for user in members:
            user["_groups"].append(group["id"])
