"""The receiver fed by the sandbox Desk's own deliveries (real HTTP both ways, a real redis-server): a delivery and
a poll of one change are one event, a dropped delivery is caught by the poll, a removed webhook is dropped by the
Desk on the receiver's 410, and the pace falls back when deliveries stop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.integration.pipeline.act_support import desk_clients, direct_api, setup
from worker.app.ingress import IngressServer, Receiver, build_app, jwks_url
from worker.app.poll_pace import note_missed, pace
from worker.app.subscriptions import install, on_desk
from worker.desk.client import DeskClient
from worker.ingest.absorb import Absorber
from worker.ingest.diff import field_changes
from worker.ingest.poller import Poller
from worker.ingest.webhook_intake import Intake
from worker.ingest.webhook_verify import JwksCache
from worker.store import Store
from worker.store.keys import server_ms
from worker.store.webhooks import WebhookState

EVERY_CHANGE = {"Ticket_Add": None, "Ticket_Update": None, "Ticket_Thread_Add": None, "Ticket_Comment_Add": None}


@dataclass
class World:
    store: Store
    client: DeskClient
    api: httpx.Client
    control: httpx.Client
    poller: Poller
    intake: Intake
    sent: list[str]
    hints: list[tuple[str, str, str]]
    webhook_id: str

    @property
    def state(self) -> WebhookState:
        return WebhookState(self.store.redis, self.store.keys)

    def deliver(self) -> None:
        """Wait for the sandbox's deliveries, then do the hinted reads as the ticket_hint actor would."""
        assert self.control.post("/_sandbox/webhooks/drain", json={"timeoutS": 10}).json()["pending"] == 0
        while self.hints:
            _org, ticket_id, seen = self.hints.pop(0)
            self.intake.fetch(self.client, ticket_id, seen)

    def kinds(self) -> list[str]:
        return sorted(self.store.events.get(event_id).kind for event_id in self.sent)


@pytest.fixture
def world(sandbox, redis_server) -> Iterator[World]:
    settings, store, _ = setup(sandbox, redis_server)
    org = sandbox.org_ids[0]
    sandbox.control.post("/_sandbox/config", json={"searchLagS": 0})
    with desk_clients(settings, store) as client_for, direct_api(sandbox) as api:
        client = client_for(org)
        sent: list[str] = []
        hints: list[tuple[str, str, str]] = []
        intake = Intake(
            store, lambda _org: Absorber(client, store, sent.append, source="webhook"), lambda *hint: hints.append(hint)
        )
        state = WebhookState(store.redis, store.keys)
        receiver = Receiver(JwksCache(jwks_url(settings.api_root)), state, intake, [org])
        server = IngressServer(build_app(receiver), "127.0.0.1", 0).start()
        poller = Poller(client, store, sent.append, overlap=timedelta(seconds=5))
        poller.poll()  # the backfill
        webhook_id, _ = install(client, state, f"http://127.0.0.1:{server.port}/desk", EVERY_CHANGE)
        try:
            yield World(store, client, api, sandbox.control, poller, intake, sent, hints, webhook_id)
        finally:
            server.shutdown()


def open_ticket(world: World) -> dict[str, Any]:
    return world.api.get("/tickets", params={"limit": 1, "status": "Open"}).json()["data"][0]


def change_priority(world: World, ticket: dict[str, Any]) -> str:
    priority = "Low" if ticket.get("priority") == "High" else "High"
    assert world.api.patch(f"/tickets/{ticket['id']}", json={"priority": priority}).status_code == 200
    return priority


def test_a_delivery_and_a_poll_of_one_change_are_one_event(world):
    ticket = open_ticket(world)
    priority = change_priority(world, ticket)
    world.deliver()
    assert world.kinds() == ["ticket.updated"]
    assert world.store.events.get(world.sent[0]).source == "webhook"
    assert world.store.mirror.get(world.client.org_id, ticket["id"])["priority"] == priority
    # the poll reads the same change: nothing new
    result = world.poller.poll()
    assert result.events == [] and len(world.sent) == 1


def test_a_new_ticket_and_a_customer_reply_are_read_through_hints(world, sandbox):
    ticket = open_ticket(world)
    reply = sandbox.control.post(
        f"/_sandbox/tickets/{ticket['id']}/customerReply",
        json={"content": "Any news?"},
        params={"orgId": world.client.org_id},
    )
    assert reply.status_code in (200, 201), reply.text
    world.deliver()
    assert "ticket.replied" in world.kinds()
    assert world.poller.poll().events == []  # the poll finds the mirror already there


def test_a_new_ticket_read_for_a_delivery_has_the_shape_the_poll_sees(world):
    # a person opens a ticket (Ticket_Add: read from the Desk with its cards)
    template = open_ticket(world)
    body = {"subject": "Printer on fire", "departmentId": template["departmentId"], "contactId": template["contactId"]}
    created = world.api.post("/tickets", json=body)
    assert created.status_code == 200, created.text
    world.deliver()
    assert world.kinds() == ["ticket.created"]
    # the snapshot it left differs from the search's item in nothing a diff sees (so no invented change later)
    number = created.json()["ticketNumber"]
    [item] = world.api.get("/tickets/search", params={"ticketNumber": number}).json()["data"]
    snapshot = world.store.mirror.get(world.client.org_id, created.json()["id"])
    assert field_changes(snapshot, item) == {}
    assert world.poller.poll().events == []


def test_a_dropped_delivery_is_caught_by_the_poll(world):
    world.control.post("/_sandbox/webhooks/controls", json={"dropRate": 1.0})
    ticket = open_ticket(world)
    change_priority(world, ticket)
    world.deliver()
    assert world.sent == []
    result = world.poller.poll()
    assert len(result.events) == 1 and world.kinds() == ["ticket.updated"]
    assert world.store.events.get(result.events[0]).source == "poll"
    # what the poll actor records: the change no delivery brought; with none arrived, the pace falls back
    assert note_missed(world.store, world.client.org_id, result.events) == 1
    status = world.state.status(world.client.org_id)
    assert pace(True, status, server_ms(world.store.redis), silence_s=60) == "fallback"


def test_a_removed_webhook_is_answered_410_and_the_desk_drops_it(world):
    world.state.retire(world.client.org_id, world.webhook_id)  # removed here; the Desk still has it
    change_priority(world, open_ticket(world))
    world.deliver()
    deliveries = world.control.get("/_sandbox/webhooks/deliveries").json()["data"]
    assert [entry["status"] for entry in deliveries] == [410]
    assert on_desk(world.client, world.webhook_id) is None
    assert world.sent == []
