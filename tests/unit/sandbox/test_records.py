"""Record builders: the exact field sets of the API reference's examples, and what the Desk derives.

The expected key sets are copied from the JSON examples of desk-api-v1.zh.txt (line numbers given); the brand
placeholder's "<brand>Contact" is the Desk's `zohoCRMContact`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sandbox.clock import format_time
from sandbox.records import (
    agent_author,
    apply_thread_to_ticket,
    compute_total_cost,
    contact_author,
    mention,
    mentioned_zuids,
    new_account,
    new_agent,
    new_attachment,
    new_comment,
    new_contact,
    new_contract,
    new_department,
    new_mail_reply_address,
    new_organization_profile,
    new_task,
    new_thread,
    new_ticket,
    new_time_entry,
    new_upload,
    set_task_status,
)
from sandbox.state import Org
from tests.unit.sandbox.helpers import FrozenClock

# POST /tickets response (line 927); ticket.contact and ticket.product are include= embeds, not stored.
TICKET_KEYS = {
    "approvalCount",
    "assigneeId",
    "attachmentCount",
    "category",
    "channel",
    "classification",
    "closedTime",
    "commentCount",
    "contactId",
    "createdTime",
    "customFields",
    "customerResponseTime",
    "departmentId",
    "description",
    "dueDate",
    "email",
    "id",
    "isDeleted",
    "modifiedTime",
    "phone",
    "priority",
    "productId",
    "resolution",
    "status",
    "statusType",
    "subCategory",
    "subject",
    "taskCount",
    "threadCount",
    "ticketNumber",
    "timeEntryCount",
    "webUrl",
}
# GET /tickets/{id}/threads/{id} (line 1255); outgoing threads add responderId (sendReply, line 1314).
THREAD_KEYS = {
    "actions",
    "attachments",
    "author",
    "bcc",
    "cc",
    "channel",
    "content",
    "createdTime",
    "direction",
    "fromEmailAddress",
    "hasAttach",
    "id",
    "isForward",
    "status",
    "summary",
    "to",
    "visibility",
}
# GET /tickets/{id}/comments/{id} (line 1533); `attachments` only when the comment has some (list, line 1562).
COMMENT_KEYS = {"attachments", "commentedTime", "commenter", "commenterId", "content", "id", "isPublic", "modifiedTime"}
# line 1637, 3519; and previewurl, which the vendor's attachmentResponse requires
ATTACHMENT_KEYS = {"createdTime", "creatorId", "href", "id", "isPublic", "name", "size", "previewurl"}
UPLOAD_KEYS = {"createdTime", "creatorId", "href", "id", "isPublic", "name", "size"}  # POST /uploads, line 4004
TIME_ENTRY_KEYS = {  # line 1907
    "additionalCost",
    "agentCostPerHour",
    "createdTime",
    "creatorId",
    "customFields",
    "description",
    "executedTime",
    "hoursSpent",
    "id",
    "minutesSpent",
    "ownerId",
    "requestChargeType",
    "secondsSpent",
    "totalCost",
}
TASK_KEYS = {  # line 3214, plus isCommented from GET /tasks (line 3268)
    "category",
    "completedTime",
    "createdTime",
    "creatorId",
    "customFields",
    "departmentId",
    "description",
    "dueDate",
    "id",
    "modifiedTime",
    "ownerId",
    "priority",
    "status",
    "subject",
    "ticketId",
    "isCommented",
}
CONTACT_KEYS = {  # line 2281
    "accountId",
    "city",
    "country",
    "createdTime",
    "customFields",
    "customerHappiness",
    "description",
    "email",
    "facebook",
    "firstName",
    "id",
    "isDeleted",
    "lastName",
    "mobile",
    "modifiedTime",
    "ownerId",
    "phone",
    "photoURL",
    "secondaryEmail",
    "state",
    "street",
    "title",
    "twitter",
    "type",
    "zip",
    "zohoCRMContact",
}
ACCOUNT_KEYS = {  # line 2773
    "accountName",
    "annualrevenue",
    "associatedSLAIds",
    "city",
    "code",
    "country",
    "createdTime",
    "customFields",
    "description",
    "email",
    "fax",
    "id",
    "industry",
    "modifiedTime",
    "ownerId",
    "phone",
    "state",
    "street",
    "website",
}
AGENT_KEYS = {  # line 3688; role/profile/associatedDepartments are include= embeds
    "associatedChatDepartmentIds",
    "associatedDepartmentIds",
    "countryCode",
    "emailId",
    "extn",
    "firstName",
    "id",
    "isConfirmed",
    "langCode",
    "lastName",
    "mobile",
    "phone",
    "photoURL",
    "profileId",
    "roleId",
    "status",
    "zuid",
}
DEPARTMENT_KEYS = {  # GET /departments (line 3913)
    "associatedAgentIds",
    "creatorId",
    "description",
    "hasLogo",
    "id",
    "isDefault",
    "isEnabled",
    "isVisibleInCustomerPortal",
    "name",
    "nameInCustomerPortal",
}
CONTRACT_KEYS = {  # line 4169
    "accountId",
    "associatedSLAId",
    "contractName",
    "contractNumber",
    "createdBy",
    "createdTime",
    "customFields",
    "departmentId",
    "description",
    "endDate",
    "id",
    "modifiedBy",
    "modifiedTime",
    "notificationAgentIds",
    "notifyBefore",
    "notifyOn",
    "ownerId",
    "productId",
    "startDate",
}
MAIL_REPLY_ADDRESS_KEYS = {"address", "departmentId", "displayName", "id", "isActive"}  # line 4827
ORGANIZATION_KEYS = {  # line 484
    "companyName",
    "id",
    "isAdminInOrg",
    "isDefault",
    "logoURL",
    "organizationName",
    "phoneNumber",
    "portalURL",
}


def public_keys(record: dict) -> set[str]:
    return {key for key in record if not key.startswith("_")}


@pytest.fixture
def org() -> Org:
    profile = new_organization_profile(id="2389290", companyName="Zylker Corp", organizationName="zylkercorp")
    clock = FrozenClock(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
    return Org(id="2389290", profile=profile, clock=clock, id_base=1_892_000_000_000_000, portal="zylkercorp")


@pytest.fixture
def agent(org: Org) -> dict:
    agent = new_agent(org, firstName="Jade", lastName="Tywin", emailId="jade@zylker.com", zuid="10687231")
    org.agents[agent["id"]] = agent
    return agent


@pytest.fixture
def contact(org: Org) -> dict:
    contact = new_contact(org, firstName="Lucas", lastName="Carol", email="lucas@acme.com")
    org.contacts[contact["id"]] = contact
    return contact


def make_ticket(org: Org, contact: dict, **fields) -> dict:
    ticket = new_ticket(org, subject="Order delayed", departmentId="1", contactId=contact["id"], **fields)
    return org.add_ticket(ticket)


def customer_thread(org: Org, ticket: dict, contact: dict, **fields) -> dict:
    return new_thread(
        org,
        ticket["id"],
        direction="in",
        channel="EMAIL",
        content="Still broken",
        author=contact_author(contact),
        fromEmailAddress=contact["email"],
        **fields,
    )


# key sets --------------------------------------------------------------------------------------
def test_every_builder_produces_exactly_the_example_keys(org: Org, agent: dict, contact: dict) -> None:
    # given an org, an agent and a contact
    ticket = make_ticket(org, contact)
    upload = new_upload(org, name="a.png", creatorId=agent["id"], content=b"png")
    # when each kind of record is built, then its public keys are the example's
    assert public_keys(ticket) == TICKET_KEYS
    assert public_keys(customer_thread(org, ticket, contact)) == THREAD_KEYS
    reply = new_thread(
        org,
        ticket["id"],
        direction="out",
        channel="EMAIL",
        content="Fixed",
        author=agent_author(agent),
        responderId=agent["id"],
    )
    assert public_keys(reply) == THREAD_KEYS | {"responderId"}
    assert public_keys(
        new_comment(org, ticket["id"], content="x", commenterId=agent["id"], commenter=agent_author(agent))
    ) == COMMENT_KEYS - {"attachments"}
    assert (
        public_keys(
            new_comment(
                org, ticket["id"], content="x", commenterId=agent["id"], commenter=agent_author(agent), uploads=[upload]
            )
        )
        == COMMENT_KEYS
    )
    attachment = new_attachment(org, "tickets", ticket["id"], name="a.txt", creatorId=agent["id"])
    assert public_keys(attachment) == ATTACHMENT_KEYS
    assert public_keys(upload) == UPLOAD_KEYS
    assert public_keys(new_time_entry(org, creatorId=agent["id"], hoursSpent=1)) == TIME_ENTRY_KEYS
    assert public_keys(new_task(org, subject="Call back", departmentId="1", creatorId=agent["id"])) == TASK_KEYS
    assert public_keys(contact) == CONTACT_KEYS
    assert public_keys(new_account(org, accountName="Zylker")) == ACCOUNT_KEYS
    assert public_keys(agent) == AGENT_KEYS
    assert public_keys(new_department(org, name="Support")) == DEPARTMENT_KEYS
    assert (
        public_keys(
            new_contract(
                org, contractName="Gold", accountId="1", departmentId="2", startDate="2026-01-01", endDate="2026-12-31"
            )
        )
        == CONTRACT_KEYS
    )
    address = new_mail_reply_address(org, address="support@zylker.com", departmentId="2")
    assert public_keys(address) == MAIL_REPLY_ADDRESS_KEYS
    assert public_keys(org.profile) == ORGANIZATION_KEYS


def test_ids_counts_and_flags_have_the_examples_value_types(org: Org, contact: dict) -> None:
    # given a new ticket
    ticket = make_ticket(org, contact, customFields={"ModelName": "F3 2017"})
    # then ids, numbers and counts are strings, isDeleted is the string "false" and custom fields keep the layout
    assert isinstance(ticket["id"], str) and ticket["id"].isdigit()
    assert ticket["ticketNumber"] == "101"
    assert {
        ticket[f]
        for f in ("threadCount", "commentCount", "attachmentCount", "timeEntryCount", "taskCount", "approvalCount")
    } == {"0"}
    assert ticket["isDeleted"] == "false"
    assert ticket["customFields"]["ModelName"] == "F3 2017"
    assert ticket["customFields"]["severityPercentage"] == "0.0" and ticket["customFields"]["url"] is None
    assert ticket["webUrl"].endswith(f"/zylkercorp/ShowHomePage.do#Cases/dv/{ticket['id']}")
    assert contact["isDeleted"] is False  # a boolean on contacts, as their example shows


# derived fields --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "status_type"),
    [
        ("Open", "Open"),
        ("On Hold", "On Hold"),
        ("Escalated", "Open"),
        ("Closed", "Closed"),
    ],
)
def test_status_type_is_derived_from_the_status(org: Org, contact: dict, status: str, status_type: str) -> None:
    # when a ticket is created with a status
    ticket = make_ticket(org, contact, status=status)
    # then statusType follows it, and a ticket created closed was closed when created
    assert ticket["statusType"] == status_type
    assert ticket["closedTime"] == (ticket["createdTime"] if status == "Closed" else None)


def test_children_move_the_ticket_counts(org: Org, agent: dict, contact: dict) -> None:
    # given a ticket
    ticket = make_ticket(org, contact)
    # when threads, a comment and a time entry are added
    for _ in range(2):
        org.add_child("threads", ticket["id"], customer_thread(org, ticket, contact))
    org.add_child(
        "comments",
        ticket["id"],
        new_comment(org, ticket["id"], content="hi", commenterId=agent["id"], commenter=agent_author(agent)),
    )
    org.add_child("timeEntries", ticket["id"], new_time_entry(org, creatorId=agent["id"], minutesSpent=5))
    # then the counts say so, as strings
    assert (ticket["threadCount"], ticket["commentCount"], ticket["timeEntryCount"]) == ("2", "1", "1")


@pytest.mark.parametrize(
    ("spent", "rate", "extra", "total"),
    [
        ((3, 23, 21), "3.0", "10.0", "20.17"),  # the examples at line 1925
        ((3, 34, 21), "10.0", "10.0", "45.72"),  # 45.725 rounds half to even
        ((32, 22, 22), "20.0", "10.0", "657.46"),
        ((2, 0, 0), None, None, None),
        ((1, 30, 0), 40, None, "60.00"),
    ],
)
def test_total_cost_is_hours_times_rate_plus_additional_cost(org: Org, spent, rate, extra, total) -> None:
    # when a time entry is logged
    hours, minutes, seconds = spent
    entry = new_time_entry(
        org,
        creatorId="1",
        hoursSpent=hours,
        minutesSpent=minutes,
        secondsSpent=seconds,
        agentCostPerHour=rate,
        additionalCost=extra,
    )
    # then its totalCost is derived, and numbers travel as strings
    assert entry["totalCost"] == total == compute_total_cost(entry)
    assert entry["hoursSpent"] == str(hours)


def test_a_customer_reply_reopens_a_closed_ticket(org: Org, contact: dict) -> None:
    # given a closed ticket
    ticket = make_ticket(org, contact, status="Closed")
    org.clock.advance(timedelta(minutes=5))
    # when the customer writes again
    thread = customer_thread(org, ticket, contact)
    org.add_child("threads", ticket["id"], thread)
    apply_thread_to_ticket(org, ticket, thread)
    # then it is Open again, no longer closed, and this is its latest customer response
    assert (ticket["status"], ticket["statusType"], ticket["closedTime"]) == ("Open", "Open", None)
    assert ticket["customerResponseTime"] == thread["createdTime"]
    assert ticket["modifiedTime"] == org.now_text() > ticket["createdTime"]


@pytest.mark.parametrize(("status", "after"), [("On Hold", "Open"), ("Escalated", "Escalated"), ("Open", "Open")])
def test_a_customer_reply_moves_on_hold_to_open_and_leaves_open_types_alone(org: Org, contact: dict, status, after):
    ticket = make_ticket(org, contact, status=status)
    thread = customer_thread(org, ticket, contact)
    apply_thread_to_ticket(org, ticket, thread)
    assert ticket["status"] == after


def test_an_agent_reply_changes_no_field_but_modified_time(org: Org, agent: dict, contact: dict) -> None:
    # given an on-hold ticket
    ticket = make_ticket(org, contact, status="On Hold")
    before = dict(ticket)
    org.clock.advance(timedelta(seconds=3))
    # when an agent replies
    reply = new_thread(
        org,
        ticket["id"],
        direction="out",
        channel="EMAIL",
        content="Any news?",
        author=agent_author(agent),
        responderId=agent["id"],
    )
    apply_thread_to_ticket(org, ticket, reply)
    # then only modifiedTime moved
    assert {k for k in ticket if ticket[k] != before[k]} == {"modifiedTime"}


def test_history_written_without_touch_keeps_modified_time(org: Org, contact: dict) -> None:
    ticket = make_ticket(org, contact)
    org.clock.advance(timedelta(seconds=3))
    apply_thread_to_ticket(org, ticket, customer_thread(org, ticket, contact), touch=False)
    assert ticket["modifiedTime"] == ticket["createdTime"]


def test_threads_at_a_past_moment_carry_it(org: Org, contact: dict) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    ticket = make_ticket(org, contact, at=moment)
    thread = customer_thread(org, ticket, contact, at=moment + timedelta(hours=1))
    assert ticket["createdTime"] == "2026-01-02T03:04:05.678Z"
    assert thread["createdTime"] == format_time(moment + timedelta(hours=1))


def test_drafts_offer_send_and_delete_and_change_nothing(org: Org, agent: dict, contact: dict) -> None:
    ticket = make_ticket(org, contact, status="Closed")
    draft = new_thread(
        org,
        ticket["id"],
        direction="out",
        channel="EMAIL",
        content="<p>Draft &amp; more</p>",
        contentType="html",
        author=agent_author(agent),
        responderId=agent["id"],
        isDraft=True,
    )
    apply_thread_to_ticket(org, ticket, draft)
    assert draft["status"] == "DRAFT"
    assert [action["rel"] for action in draft["actions"]] == ["send", "delete"]
    assert draft["summary"] == "Draft & more"
    assert ticket["status"] == "Closed"


def test_thread_and_comment_attachments_link_to_their_parent(org: Org, agent: dict, contact: dict) -> None:
    ticket = make_ticket(org, contact)
    upload = new_upload(org, name="log.txt", creatorId=agent["id"], content=b"12345")
    thread = customer_thread(org, ticket, contact, uploads=[upload])
    assert thread["hasAttach"] is True
    assert thread["attachments"] == [
        {
            "size": "5",
            "name": "log.txt",
            "id": upload["id"],
            "href": f"https://desk.zoho.com/api/v1/tickets/{ticket['id']}/threads/{thread['id']}/attachments/"
            f"{upload['id']}/content",
        }
    ]
    assert upload["_expiresAt"] - org.now() <= timedelta(hours=24)


def test_mentions_are_written_and_read_by_zuid(agent: dict) -> None:
    text = f"{mention(agent)} please check"
    assert text == "zsu[@user:10687231]zsu please check"
    assert mentioned_zuids(text) == ["10687231"]


def test_completing_a_task_stamps_completed_time(org: Org) -> None:
    task = new_task(org, subject="Call back", departmentId="1", creatorId="2")
    assert task["completedTime"] is None
    set_task_status(task, "Completed", at="2026-01-01T00:00:00.000Z")
    assert task["completedTime"] == "2026-01-01T00:00:00.000Z"
    set_task_status(task, "In Progress", at="2026-01-02T00:00:00.000Z")
    assert task["completedTime"] is None


def test_contract_derives_notify_on_and_numbers(org: Org) -> None:
    contract = new_contract(
        org,
        contractName="Gold",
        accountId="1",
        departmentId="2",
        startDate="2026-01-01",
        endDate="2026-12-31",
        notifyBefore=5,
    )
    assert (contract["contractNumber"], contract["notifyBefore"], contract["notifyOn"]) == ("101", "5", "2026-12-26")


def test_attachments_belong_to_known_parents(org: Org) -> None:
    with pytest.raises(ValueError):
        new_attachment(org, "threads", "1", name="a", creatorId="2")
