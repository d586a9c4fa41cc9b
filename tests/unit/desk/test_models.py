"""Models accept what the Desk sends (seed examples) and send only what the caller set."""

from __future__ import annotations

from datetime import date, datetime, timezone

from worker.desk.models import (
    Account,
    Agent,
    CommentInput,
    Contract,
    Organization,
    Thread,
    Ticket,
    TicketUpdate,
    TimeEntry,
    body_of,
)

SEED_TICKET = {
    "modifiedTime": "2016-06-21T13:16:14.000Z",
    "ticketNumber": "101",
    "statusType": "Open",
    "customFields": {"ModelName": "F3 2017", "severityPercentage": "0.0"},
    "dueDate": "2016-06-21T16:16:16.000Z",
    "departmentId": "1892000000006907",
    "closedTime": None,
    "approvalCount": "1",
    "timeEntryCount": "3",
    "isDeleted": "false",
    "contact": {
        "lastName": "Carol",
        "id": "1892000000042032",
        "type": None,
        "account": {"website": "www.desk.com", "accountName": "desk Account", "id": "1892000000975382"},
    },
    "id": "1892000000042034",
    "threadCount": "121",
    "assigneeId": "1892000000056007",
    "brandNewField": {"x": 1},
}


def test_given_a_seed_ticket_then_ids_stay_strings_counts_become_ints_and_unknown_fields_are_ignored():
    ticket = Ticket.model_validate(SEED_TICKET)
    assert ticket.id == "1892000000042034"
    assert ticket.threadCount == 121 and ticket.approvalCount == 1
    assert ticket.isDeleted is False
    assert ticket.modifiedTime == datetime(2016, 6, 21, 13, 16, 14, tzinfo=timezone.utc)
    assert ticket.contact.account.accountName == "desk Account"
    assert ticket.subject is None  # missing optional field
    assert not hasattr(ticket, "brandNewField")


def test_given_numeric_ids_then_they_become_strings_without_losing_digits():
    org = Organization.model_validate({"id": 3981311, "isDefault": "true", "isAdminInOrg": True})
    assert org.id == "3981311" and org.isDefault is True
    account = Account.model_validate(
        {"id": "1", "associatedSLAIds": [3263000000057, 3000000057001], "annualrevenue": None}
    )
    assert account.associatedSLAIds == ["3263000000057", "3000000057001"]


def test_other_seed_shapes():
    thread = Thread.model_validate(
        {
            "id": "1",
            "attachments": [{"size": "1913", "name": "s", "id": "5", "href": "h"}],
            "actions": [],
            "author": {"name": "Jade", "type": "AGENT"},
            "isForward": False,
        }
    )
    assert thread.attachments[0].size == 1913
    entry = TimeEntry.model_validate(
        {
            "id": "4",
            "secondsSpent": "21",
            "agentCostPerHour": "3.0",
            "totalCost": "20.17",
            "executedTime": None,
            "customFields": {},
        }
    )
    assert entry.secondsSpent == 21 and entry.totalCost == 20.17
    contract = Contract.model_validate({"id": "5", "endDate": "2019-01-10", "notifyBefore": "5"})
    assert contract.endDate == date(2019, 1, 10) and contract.notifyBefore == 5
    agent = Agent.model_validate({"id": "9", "zuid": "10687231", "associatedDepartmentIds": ["1", "2"], "extn": "3298"})
    assert agent.zuid == "10687231"


def test_given_an_update_then_only_the_fields_set_are_sent():
    assert body_of(TicketUpdate(priority="High")) == {"priority": "High"}
    assert body_of(TicketUpdate(priority="High", assigneeId=None)) == {"priority": "High", "assigneeId": None}
    assert body_of(CommentInput(content="hi", isPublic=False)) == {"content": "hi", "isPublic": False}
    assert body_of({"status": "Closed"}) == {"status": "Closed"}
    assert body_of(TicketUpdate(priority="Low", cf_region="EU")) == {"priority": "Low", "cf_region": "EU"}
