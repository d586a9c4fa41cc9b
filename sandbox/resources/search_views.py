"""How search results show records: each shape is the seed's search example for its endpoint.

/tickets/search shows the ticket (from the lagged index, through embed.ticket_view) with contact, department,
assignee, accountId, lastThread, isOverDue; /contacts/search the contact with its account; /accounts/search the
account; /tasks/search the task with its ticket, assignee (its owner) and department. /search (all modules)
shows smaller items, each with "module", as its example does: a ticket's number is `number` there.
Fields the sandbox does not track show null: `responseDueDate` (no SLA timers), `modifiedBy` unless recorded,
`isRead` (no per-agent read state); a ticket search result also carries the keys the vendor's search item
requires (cf, isSpam, layoutId, product, team...), and `childTicketCount` "0" (no ticket has children).
"""

from __future__ import annotations

from sandbox.clock import parse_time
from sandbox.embed import last_thread, product_summary, ticket_view
from sandbox.records import full_name
from sandbox.records.vendor_fields import account_extras, contact_extras, task_extras, ticket_extras
from sandbox.state import Org, Record, public

# The /tickets/search example's field set, less the embeds and derived fields added below.
TICKET_FIELDS = (
    "ticketNumber",
    "modifiedTime",
    "subCategory",
    "subject",
    "customFields",
    "dueDate",
    "departmentId",
    "channel",
    "description",
    "resolution",
    "closedTime",
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
    "phone",
    "category",
    "status",
)
# What the vendor's search item (Search.json searchTicketsResponse) requires beyond the example's fields, as the
# full ticket view derives them (records/vendor_fields.py).
TICKET_VENDOR_FIELDS = (
    "cf",
    "createdBy",
    "entitySkills",
    "isArchived",
    "isEscalated",
    "isSpam",
    "language",
    "layoutId",
    "onholdTime",
    "secondaryContacts",
    "sharedDepartments",
    "slaId",
    "teamId",
)
# The keys of the vendor's contact and account search items (owner and account aside): the seed's examples' and more.
CONTACT_KEYS = (
    *("accountId", "cf", "city", "country", "createdTime", "customFields", "customerHappiness", "description"),
    *("email", "facebook", "firstName", "id", "isEndUser", "lastName", "layoutId", "mobile", "modifiedTime"),
    *("ownerId", "phone", "photoURL", "secondaryEmail", "state", "street", "title", "twitter", "type", "webUrl"),
    *("zip", "zohoCRMContact"),
)
ACCOUNT_KEYS = (
    *("accountName", "annualrevenue", "cf", "city", "code", "country", "createdTime", "customFields"),
    *("description", "email", "fax", "id", "industry", "layoutId", "modifiedTime", "ownerId", "phone", "state"),
    *("street", "webUrl", "website"),
)
GLOBAL_TICKET_FIELDS = (
    "customerResponseTime",
    "productId",
    "contactId",
    "subject",
    "customFields",
    "departmentId",
    "dueDate",
    "channel",
    "threadCount",
    "priority",
    "assigneeId",
    "closedTime",
    "commentCount",
    "phone",
    "createdTime",
    "id",
    "email",
    "status",
)
GLOBAL_TASK_FIELDS = (
    "subject",
    "completedTime",
    "customFields",
    "dueDate",
    "description",
    "ownerId",
    "priority",
    "isCommented",
    "createdTime",
    "id",
    "category",
    "ticketId",
    "status",
)
GLOBAL_CONTACT_FIELDS = (
    "lastName",
    "accountId",
    "firstName",
    "photoURL",
    "phone",
    "customFields",
    "id",
    "ownerId",
    "email",
)
GLOBAL_ACCOUNT_FIELDS = ("website", "phone", "accountName", "customFields", "id", "email")


def agent_card(org: Org, agent_id: str | None) -> Record | None:
    """An assignee in search results: {firstName, lastName, photoURL, emailId, id, zuid}."""
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    return {
        "firstName": agent.get("firstName"),
        "lastName": agent.get("lastName"),
        "photoURL": agent.get("photoURL"),
        "emailId": agent.get("emailId"),
        "id": agent["id"],
        "zuid": agent.get("zuid"),
    }


def department_card(org: Org, department_id: str | None) -> Record | None:
    department = org.departments.get(department_id or "")
    return None if department is None else {"name": department.get("name"), "id": department["id"]}


def account_card(org: Org, account_id: str | None) -> Record | None:
    account = org.accounts.get(account_id or "")
    if account is None:
        return None
    return {"accountName": account.get("accountName"), "id": account["id"], "website": account.get("website")}


def contact_account_id(org: Org, contact_id: str | None) -> str | None:
    return (org.contacts.get(contact_id or "") or {}).get("accountId")


def is_overdue(org: Org, ticket: Record) -> bool:
    due = ticket.get("dueDate")
    if not due:
        return False
    return ticket.get("statusType") != "Closed" and parse_time(due) < org.now()


def ticket_item(org: Org, snapshot: Record) -> Record:
    """A /tickets/search result: the indexed ticket as ticket_view shows it, with the example's extras."""
    view = ticket_view(org, snapshot)
    item = {name: view.get(name) for name in TICKET_FIELDS}
    contact = org.contacts.get(snapshot.get("contactId") or "")
    item["contact"] = (
        None
        if contact is None
        else {
            "firstName": contact.get("firstName"),
            "lastName": contact.get("lastName"),
            "accountId": contact.get("accountId"),
            "id": contact["id"],
            "email": contact.get("email"),
            "account": account_card(org, contact.get("accountId")),
            **{name: contact.get(name) for name in ("mobile", "phone", "type")},  # the vendor's search item's
        }
    )
    item.update(
        accountId=contact_account_id(org, snapshot.get("contactId")),
        lastThread=last_thread(org, snapshot["id"]),
        isOverDue=is_overdue(org, snapshot),
        responseDueDate=None,
        modifiedBy=snapshot.get("modifiedBy"),
        department=department_card(org, snapshot.get("departmentId")),
        assignee=agent_card(org, snapshot.get("assigneeId")),
    )
    extras = ticket_extras(org, snapshot)
    item.update({name: extras[name] for name in TICKET_VENDOR_FIELDS})
    item.update(statusType=view.get("statusType"), webUrl=view.get("webUrl"), childTicketCount="0", isRead=None)
    item.update(product=product_summary(org, snapshot.get("productId")), team=None)  # no ticket has a team
    return item


def task_ticket(org: Org, ticket_id: str | None) -> Record | None:
    """A task's ticket: {ticketNumber, contact {firstName, lastName, id}, id}, as the task example shows it."""
    ticket = org.tickets.get(ticket_id or "")
    if ticket is None:
        return None
    contact = org.contacts.get(ticket.get("contactId") or "")
    return {
        "ticketNumber": ticket.get("ticketNumber"),
        "id": ticket["id"],
        "contact": None
        if contact is None
        else {
            "firstName": contact.get("firstName"),
            "lastName": contact.get("lastName"),
            "id": contact["id"],
        },
    }


def search_contact_card(org: Org, contact_id: str | None) -> Record | None:
    """A contact inside a /tasks/search result (the vendor's searchTasksResponse)."""
    contact = org.contacts.get(contact_id or "")
    if contact is None:
        return None
    names = ("accountId", "email", "firstName", "id", "lastName", "mobile", "phone")
    return {**{name: contact.get(name) for name in names}, "isSpam": False, "secId": None}


def search_ticket_card(org: Org, ticket_id: str | None) -> Record | None:
    """A task's ticket in /tasks/search (the seed's example shows none; the vendor's search item this card)."""
    ticket = org.tickets.get(ticket_id or "")
    if ticket is None:
        return None
    names = ("channel", "closedTime", "createdTime", "dueDate", "id", "phone", "status", "subject", "ticketNumber")
    return {
        **{name: ticket.get(name) for name in names},
        "assignee": agent_card(org, ticket.get("assigneeId")),
        "contact": search_contact_card(org, ticket.get("contactId")),
        "isArchived": False,
        "isSpam": bool(ticket.get("_spam")),
        "secId": None,
        "team": None,
        "teamId": None,
    }


def task_item(org: Org, task: Record) -> Record:
    extras = task_extras(org, task)
    return {
        **public(task),
        **{name: extras[name] for name in ("cf", "contactId", "layoutId", "modifiedBy", "reminder", "statusType")},
        "webUrl": extras["webUrl"],
        "activityType": "Tasks",
        "contact": search_contact_card(org, extras["contactId"]),
        "ticket": search_ticket_card(org, task.get("ticketId")),
        "assignee": agent_card(org, task.get("ownerId")),
        "department": department_card(org, task.get("departmentId")),
    }


def contact_item(org: Org, contact: Record) -> Record:
    view = {**contact_extras(org, contact), **public(contact)}
    item = {name: view.get(name) for name in CONTACT_KEYS}
    item["account"] = account_card(org, contact.get("accountId"))
    item["owner"] = agent_card(org, contact.get("ownerId"))
    return item


def account_item(org: Org, account: Record) -> Record:
    view = {**account_extras(org, account), **public(account)}
    return {**{name: view.get(name) for name in ACCOUNT_KEYS}, "owner": agent_card(org, account.get("ownerId"))}


# /search (every module) ---------------------------------------------------------------------------
def global_account_card(org: Org, account_id: str | None) -> Record | None:
    account = org.accounts.get(account_id or "")
    if account is None:
        return None
    return {"website": account.get("website"), "name": account.get("accountName"), "id": account["id"]}


def global_contact_card(org: Org, contact_id: str | None) -> Record | None:
    contact = org.contacts.get(contact_id or "")
    if contact is None:
        return None
    return {
        "phone": contact.get("phone"),
        "name": full_name(contact.get("firstName"), contact.get("lastName")),
        "id": contact["id"],
        "type": contact.get("type"),
        "email": contact.get("email"),
        "account": global_account_card(org, contact.get("accountId")),
    }


def global_ticket(org: Org, snapshot: Record) -> Record:
    view = ticket_view(org, snapshot)
    return {
        **{name: view.get(name) for name in GLOBAL_TICKET_FIELDS},
        "module": "tickets",
        "number": view.get("ticketNumber"),
        "contact": global_contact_card(org, snapshot.get("contactId")),
        "assignee": agent_card(org, snapshot.get("assigneeId")),
        "department": department_card(org, snapshot.get("departmentId")),
    }


def global_task(org: Org, task: Record) -> Record:
    ticket = org.tickets.get(task.get("ticketId") or "") or {}
    return {
        **{name: task.get(name) for name in GLOBAL_TASK_FIELDS},
        "module": "tasks",
        "createdBy": task.get("creatorId"),
        "ticket": task_ticket(org, task.get("ticketId")),
        "contact": global_contact_card(org, ticket.get("contactId")),
        "assignee": agent_card(org, task.get("ownerId")),
        "department": department_card(org, task.get("departmentId")),
    }


def global_account(_: Org, account: Record) -> Record:
    return {**{name: account.get(name) for name in GLOBAL_ACCOUNT_FIELDS}, "module": "accounts"}


def global_contact(org: Org, contact: Record) -> Record:
    return {
        **{name: contact.get(name) for name in GLOBAL_CONTACT_FIELDS},
        "module": "contacts",
        "fullName": full_name(contact.get("firstName"), contact.get("lastName")),
        "account": global_account_card(org, contact.get("accountId")),
    }
