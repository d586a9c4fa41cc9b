"""The moves of a ticket's life, shared by the seed (writing weeks of history) and the activity generator
(making things happen now): who can act, a customer opens a ticket, a customer writes, an agent replies.

Each move goes through the record builders and the state helpers exactly as an API write would. `at` is the
moment of the move (None: the clock's now); `touch=False` leaves modifiedTime and the search index to the
caller, which the seed uses to write a ticket's whole history and index it once.
"""

from __future__ import annotations

import random
from datetime import datetime

from sandbox.records import (
    THREAD_CHANNELS,
    agent_author,
    apply_thread_to_ticket,
    contact_author,
    new_thread,
    new_ticket,
)
from sandbox.state import Org, Record

STATUS_WEIGHTS = {"Open": 40, "On Hold": 15, "Escalated": 10, "Closed": 35}
PRIORITY_WEIGHTS = {"Low": 25, "Medium": 40, "High": 25, "Urgent": 10}
CHANNEL_WEIGHTS = {"Email": 45, "Phone": 15, "Chat": 10, "Web": 15, "Forums": 5, "Twitter": 5, "Facebook": 5}
DEPARTMENT_WEIGHTS = {"Support": 45, "Tier 2": 20, "Billing": 20, "Sales": 15}  # other names weigh 10
CATEGORIES = {"Support": "general", "Tier 2": "technical", "Billing": "billing", "Sales": "presales"}
MODEL_NAMES = ("F3 2017", "F5 2018", "X1 Pro", "X1 Lite", "Z-Router 300", "Z-Cam HD", "Nimbus 9")
SUBJECTS = (
    "Order {n} has not shipped yet",
    "Cannot log in to my account",
    "Invoice {n} charged twice",
    "Refund request for order {n}",
    "The {model} keeps restarting",
    "How do I reset my password?",
    "Upgrade my plan to Professional",
    "Delivery address change for order {n}",
    "The {model} firmware update failed",
    "API returns 500 on export",
    "Need a quote for 50 licences",
    "There is a sudden delay in the processing of the orders",
    "Missing items in order {n}",
    "Two-factor code never arrives",
    "Please cancel my subscription",
    "Data export is incomplete",
)
CUSTOMER_LINES = (
    'Hello, about "{subject}": could you look into it please?',
    "Any update on this? It is still not working.",
    "Thanks, but the problem is back this morning.",
    "I attached the screenshot you asked for.",
    "This is urgent for us, our team is blocked.",
    "Following up on my previous message.",
)
AGENT_LINES = (
    "Thanks for reaching out. We are looking into it and will update you shortly.",
    "Could you send us a screenshot and the exact time this happened?",
    "We have identified the root cause and fixed it. Please check again.",
    "I have escalated this to our engineering team.",
    "Your refund has been processed.",
    "We have not heard back from you, so we will close this ticket. Reply any time to reopen it.",
)


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def pick_department(org: Org, rng: random.Random) -> Record:
    """A department for a new ticket, weighted by DEPARTMENT_WEIGHTS (other names weigh 10)."""
    departments = list(org.departments.values())
    return rng.choices(departments, weights=[DEPARTMENT_WEIGHTS.get(d["name"], 10) for d in departments])[0]


def active_agents(org: Org, department_id: str | None = None) -> list[Record]:
    """ACTIVE agents, of one department when given, in the org's order."""
    return [
        agent
        for agent in org.agents.values()
        if agent["status"] == "ACTIVE" and (department_id is None or department_id in agent["associatedDepartmentIds"])
    ]


def reply_address(org: Org, department_id: str) -> str | None:
    """The department's active reply address (else any active one)."""
    active = [address for address in org.mail_reply_addresses.values() if address["isActive"]]
    own = [address for address in active if address["departmentId"] == department_id]
    return (own or active or [{"address": None}])[0]["address"]


def open_ticket(
    org: Org,
    rng: random.Random,
    *,
    at: datetime | None = None,
    contact: Record | None = None,
    department: Record | None = None,
    assignee: Record | None = None,
    status: str = "Open",
) -> Record:
    """A customer opens a ticket, with its first (incoming) thread. The ticket is returned NOT added: the
    caller does `org.add_ticket(ticket)` once it is complete (which sets its counts and indexes it)."""
    contact = contact or rng.choice(list(org.contacts.values()))
    department = department or pick_department(org, rng)
    channel, priority, model = weighted(rng, CHANNEL_WEIGHTS), weighted(rng, PRIORITY_WEIGHTS), rng.choice(MODEL_NAMES)
    subject = rng.choice(SUBJECTS).format(n=rng.randrange(10_000, 99_999), model=model)
    content = CUSTOMER_LINES[0].format(subject=subject)
    ticket = new_ticket(
        org,
        subject=subject,
        departmentId=department["id"],
        contactId=contact["id"],
        status=status,
        priority=priority,
        channel=channel,
        email=contact["email"],
        phone=contact["phone"],
        description=content,
        assigneeId=assignee["id"] if assignee else None,
        category=CATEGORIES.get(department["name"], "general"),
        customFields={"ModelName": model, "numberOfItems": str(rng.randint(1, 5))},
        at=at,
    )
    thread = new_thread(
        org,
        ticket["id"],
        direction="in",
        channel=THREAD_CHANNELS[channel],
        content=content,
        author=contact_author(contact),
        fromEmailAddress=contact["email"],
        to=reply_address(org, department["id"]),
        at=at,
    )
    org.add_child("threads", ticket["id"], thread)
    apply_thread_to_ticket(org, ticket, thread, touch=False)
    return ticket


def customer_reply(
    org: Org,
    ticket: Record,
    rng: random.Random,
    *,
    at: datetime | None = None,
    touch: bool = True,
) -> Record:
    """The ticket's contact writes again (re-opening it when Closed or On Hold)."""
    contact = org.contacts[ticket["contactId"]]
    thread = new_thread(
        org,
        ticket["id"],
        direction="in",
        channel=THREAD_CHANNELS.get(ticket["channel"], "EMAIL"),
        content=rng.choice(CUSTOMER_LINES[1:]),
        author=contact_author(contact),
        fromEmailAddress=contact["email"],
        to=reply_address(org, ticket["departmentId"]),
        at=at,
    )
    org.add_child("threads", ticket["id"], thread)
    apply_thread_to_ticket(org, ticket, thread, touch=touch)
    return thread


def agent_reply(
    org: Org,
    ticket: Record,
    agent: Record,
    rng: random.Random,
    *,
    at: datetime | None = None,
    touch: bool = True,
    content: str | None = None,
) -> Record:
    """An agent answers the ticket's contact from the department's reply address."""
    contact = org.contacts[ticket["contactId"]]
    channel = THREAD_CHANNELS.get(ticket["channel"], "EMAIL")
    thread = new_thread(
        org,
        ticket["id"],
        direction="out",
        channel=channel,
        content=content or rng.choice(AGENT_LINES[:-1]),
        author=agent_author(agent),
        responderId=agent["id"],
        fromEmailAddress=reply_address(org, ticket["departmentId"]) if channel == "EMAIL" else None,
        to=contact["email"],
        at=at,
    )
    org.add_child("threads", ticket["id"], thread)
    apply_thread_to_ticket(org, ticket, thread, touch=touch)
    return thread
