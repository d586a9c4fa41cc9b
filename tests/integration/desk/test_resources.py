"""Every resource group through DeskClient against one sandbox over real HTTP (module-scoped for speed)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from tests.support.redis_server import RedisServer
from tests.support.sandbox import SandboxProcess
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.errors import NotFound
from worker.desk.models import (
    Account,
    CommentInput,
    Contact,
    ContactInput,
    ReplyInput,
    Task,
    TaskInput,
    Ticket,
    TicketCreate,
    TicketUpdate,
    TimeEntryInput,
)


@pytest.fixture(scope="module")
def desk() -> Iterator[DeskClient]:
    directory = Path(tempfile.mkdtemp(prefix="desk-resources-"))
    redis_server = RedisServer(directory=directory).start()
    sandbox = SandboxProcess(tickets=60).start()
    client = DeskClient(
        desk_config(desk_settings(sandbox, redis_server)), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY
    )
    client.sandbox = sandbox  # type: ignore[attr-defined]
    yield client
    client.close()
    sandbox.stop()
    redis_server.stop()


@pytest.fixture(scope="module")
def ticket(desk) -> Ticket:
    return desk.tickets.list(limit=1, include="contacts")[0]


def test_organizations(desk):
    orgs = desk.organizations.list()
    assert desk.org_id in [o.id for o in orgs]
    assert desk.organizations.get(desk.org_id).id == desk.org_id


def test_tickets_read_create_update_move_merge_updatemany_spam(desk, ticket):
    got = desk.tickets.get(ticket.id, include=["contacts"])
    assert got.id == ticket.id and got.contact is not None and isinstance(got.threadCount, int)
    everything = list(desk.tickets.iter(page_size=25))
    assert len(everything) == len({t.id for t in everything}) >= 60
    assert [t.id for t in desk.tickets.list(limit=3)] == [t.id for t in everything[:3]]

    departments = desk.departments.list()
    created = desk.tickets.create(
        TicketCreate(
            subject="client test",
            departmentId=ticket.departmentId,
            contactId=ticket.contactId,
            description="first words",
        )
    )
    assert created.subject == "client test" and created.id
    updated = desk.tickets.update(created.id, TicketUpdate(priority="High", status="On Hold"))
    assert (updated.priority, updated.status) == ("High", "On Hold")

    other = next(d for d in departments if d.id != ticket.departmentId)
    desk.tickets.move(created.id, other.id)
    assert desk.tickets.get(created.id).departmentId == other.id

    second = desk.tickets.create({"subject": "to merge", "departmentId": other.id, "contactId": ticket.contactId})
    merged = desk.tickets.merge(created.id, [second.id])
    assert merged.id == created.id
    with pytest.raises(NotFound):
        desk.tickets.get(second.id)

    desk.tickets.update_many([created.id, ticket.id], "priority", "Low")
    assert desk.tickets.get(ticket.id).priority == "Low"
    desk.tickets.mark_spam([created.id])


def test_threads_replies_drafts_and_split(desk, ticket):
    threads = list(desk.threads.iter(ticket.id))
    assert threads and desk.threads.get(ticket.id, threads[0].id).id == threads[0].id
    address = desk.mail_reply_addresses.list(department_id=ticket.departmentId)[0]
    sent = desk.threads.send_reply(
        ticket.id, ReplyInput(content="we fixed it", fromEmailAddress=address.address, contentType="plainText")
    )
    assert sent.direction == "out" and sent.content == "we fixed it"
    upload = desk.uploads.upload(("note.txt", b"draft attachment", "text/plain"))
    draft = desk.threads.draft_reply(
        ticket.id,
        {"channel": "EMAIL", "content": "draft", "fromEmailAddress": address.address, "attachmentIds": [upload.id]},
    )
    assert draft.status == "DRAFT"
    edited = desk.threads.update_draft(ticket.id, draft.id, {"content": "better draft"})
    assert edited.content == "better draft"
    attachment_id = edited.attachments[0].id if edited.attachments else draft.attachments[0].id
    desk.threads.delete_attachment(ticket.id, draft.id, attachment_id)
    incoming = [t for t in desk.threads.list(ticket.id, sort_by="sendDateTime") if t.direction == "in"]
    if len(incoming) >= 2:
        split = desk.tickets.split(ticket.id, incoming[-1].id)
        assert split.id != ticket.id


def test_comments(desk, ticket):
    comment = desk.comments.create(ticket.id, CommentInput(content="zsu[@user:1]zsu look", isPublic=False))
    assert comment.isPublic is False and comment.id
    assert desk.comments.get(ticket.id, comment.id).content == "zsu[@user:1]zsu look"
    assert desk.comments.update(ticket.id, comment.id, {"content": "edited"}).content == "edited"
    assert comment.id in [c.id for c in desk.comments.iter(ticket.id, sort_by="-commentedTime")]
    desk.comments.delete(ticket.id, comment.id)
    with pytest.raises(NotFound):
        desk.comments.get(ticket.id, comment.id)


@pytest.mark.parametrize("parent", ["tickets", "contacts", "accounts", "tasks"])
def test_attachments_of_every_parent(desk, ticket, parent):
    parent_id = {
        "tickets": lambda: ticket.id,
        "contacts": lambda: ticket.contactId,
        "accounts": lambda: desk.accounts.list(limit=1)[0].id,
        "tasks": lambda: desk.tasks.list(limit=1)[0].id,
    }[parent]()
    added = desk.attachments.create(parent_id, ("report.txt", b"hello desk"), parent=parent)
    assert added.name == "report.txt" and added.size == len(b"hello desk")
    assert added.id in [a.id for a in desk.attachments.iter(parent_id, parent=parent)]
    if parent == "tickets":
        desk.attachments.update(parent_id, added.id, is_public=True)
        assert [a.isPublic for a in desk.attachments.list(parent_id) if a.id == added.id] == [True]
    desk.attachments.delete(parent_id, added.id, parent=parent)
    assert added.id not in [a.id for a in desk.attachments.iter(parent_id, parent=parent)]


def test_time_entries(desk, ticket):
    entry = desk.time_entries.create(ticket.id, TimeEntryInput(hoursSpent=1, minutesSpent=30, description="triage"))
    assert entry.hoursSpent == 1 and entry.minutesSpent == 30
    assert desk.time_entries.get(ticket.id, entry.id).description == "triage"
    changed = desk.time_entries.update(ticket.id, entry.id, {"description": "triage and fix", "hoursSpent": 2})
    assert changed.hoursSpent == 2
    assert entry.id in [e.id for e in desk.time_entries.iter(ticket.id, order_by="DESC")]
    desk.time_entries.delete(ticket.id, entry.id)
    assert entry.id not in [e.id for e in desk.time_entries.iter(ticket.id)]


def test_contacts_and_accounts(desk, ticket):
    contact = desk.contacts.create(ContactInput(lastName="Jack", firstName="Hugh", email="hugh.jack@example.com"))
    assert isinstance(contact, Contact) and contact.lastName == "Jack"
    assert desk.contacts.update(contact.id, {"title": "CTO"}).title == "CTO"
    assert desk.contacts.get(contact.id).id == contact.id
    assert len(list(desk.contacts.iter(sort_by="lastName", page_size=50))) >= 2
    assert ticket.id in [t.id for t in desk.contacts.iter_tickets(ticket.contactId)]

    account = desk.accounts.create({"accountName": "Client Test Ltd", "phone": "123"})
    assert isinstance(account, Account) and account.accountName == "Client Test Ltd"
    assert desk.accounts.update(account.id, {"website": "www.example.com"}).website == "www.example.com"
    assert desk.accounts.get(account.id).id == account.id
    assert account.id in [a.id for a in desk.accounts.iter(sort_by="-createdTime")]
    account_id = ticket.contact.account.id if ticket.contact and ticket.contact.account else None
    if account_id:
        assert all(isinstance(t, Ticket) for t in desk.accounts.iter_tickets(account_id))


def test_tasks(desk, ticket):
    task = desk.tasks.create(
        TaskInput(
            subject="call back",
            departmentId=ticket.departmentId,
            ticketId=ticket.id,
            priority="High",
            status="Not Started",
        )
    )
    assert isinstance(task, Task) and task.ticketId == ticket.id
    assert desk.tasks.update(task.id, {"status": "In Progress"}).status == "In Progress"
    assert desk.tasks.get(task.id, include="tickets").id == task.id
    assert task.id in [t.id for t in desk.tasks.iter_for_ticket(ticket.id)]
    assert task.id in [t.id for t in desk.tasks.iter(department_id=ticket.departmentId)]


def test_agents_departments_contracts_mail_reply_addresses(desk):
    agents = list(desk.agents.iter())
    assert agents and all(a.zuid for a in agents)
    assert desk.agents.get(agents[0].id, include="profile,role").id == agents[0].id
    assert desk.agents.list(limit=1, status="ACTIVE")
    departments = list(desk.departments.iter())
    assert desk.departments.get(departments[0].id).name == departments[0].name
    contracts = desk.contracts.list()
    if contracts:
        assert desk.contracts.get(contracts[0].id).id == contracts[0].id
    addresses = desk.mail_reply_addresses.list(is_active=True)
    assert addresses and all(a.address for a in addresses)


def test_searches(desk, ticket):
    word = (ticket.subject or "").split()[0]
    hits = desk.searches.all(word, module="tickets", limit=10)
    assert any(isinstance(h, Ticket) and h.id == ticket.id for h in hits.data)
    page = desk.searches.tickets(subject=word + "*", limit=5)
    assert page.data and page.count is not None and page.count >= len(page.data)
    assert desk.searches.contacts(lastName=ticket.contact.lastName).data
    now = datetime.now(timezone.utc)
    recent = list(
        desk.searches.iter_tickets(modified_from=now - timedelta(days=3650), modified_to=now + timedelta(days=1))
    )
    assert ticket.id in {t.id for t in recent}
    assert [t.modifiedTime for t in recent] == sorted(t.modifiedTime for t in recent)
    assert isinstance(desk.searches.accounts(limit=1).data, list)
    assert isinstance(desk.searches.tasks(limit=1).data, list)
