"""The typed client's methods for fidelity v2's endpoints, against the sandbox over real HTTP: a ticket's history
(field changes as previous/updated pairs), its latest thread (None without one), agents by ids, an account's
contracts, the accessible organisations, and custom values by api name (cf) written and read back."""

from __future__ import annotations

from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.models import ContactInput, TicketCreate, TicketUpdate


def test_history_latest_thread_agents_contracts_and_orgs(shared_sandbox, redis_server) -> None:
    settings = desk_settings(shared_sandbox, redis_server)
    org_id = shared_sandbox.org_ids[0]
    with DeskClient(desk_config(settings), redis_server.client(), org_id, policy=FAST_POLICY) as client:
        seeded = client.tickets.list(limit=1)[0]
        created = client.tickets.create(
            TicketCreate(
                subject="History through the client",
                departmentId=seeded.departmentId,
                contactId=seeded.contactId,
                priority="Low",
                cf={"cf_model_name": "X1 Pro"},
            )
        )
        assert client.threads.latest(created.id) is None  # no description: no thread
        client.tickets.update(created.id, TicketUpdate(priority="High"))
        events = client.history.ticket(created.id)
        updated = next(event for event in events if event.eventName == "TicketUpdated")
        assert updated.changes() == {"priority": ("Low", "High")} and updated.actor and updated.actor.type == "Agent"
        assert [event.eventName for event in client.history.iter_ticket(created.id)][-1] == "TicketCreated"
        assert client.history.ticket(created.id, field_name="status") == []
        latest = client.threads.latest(seeded.id)
        assert latest is None or (latest.content and latest.isDescriptionThread is not None)
        agents = client.agents.list(limit=3)
        by_ids = client.agents.by_ids([agents[2].id, agents[0].id, agents[2].id])
        assert [agent.id for agent in by_ids] == [agents[2].id, agents[0].id] and by_ids[0].rolePermissionType
        contract = client.contracts.list()[0]
        mine = client.accounts.contracts(contract.accountId)
        assert contract.id in {item.id for item in mine} and mine[0].contractStatus in {"ACTIVE", "EXPIRED", "FUTURE"}
        assert {org.id for org in client.organizations.accessible()} == set(shared_sandbox.org_ids)
        fetched = client.tickets.get(created.id)
        assert fetched.cf and fetched.cf["cf_model_name"] == "X1 Pro" and fetched.customFields["ModelName"] == "X1 Pro"
        contact = client.contacts.create(ContactInput(lastName="Cf", cf={"cf_last_contacted_on": "2026-03-01"}))
        assert contact.cf == {"cf_permanent_address": None, "cf_last_contacted_on": "2026-03-01"}
