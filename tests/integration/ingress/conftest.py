"""Fixtures of the receiver tests: a signer whose key the JWKS server publishes, and a running receiver whose
store has a backfilled mirror holding ticket 101 (as the poll's search shows it) and webhook 7001 installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.ingress.support import ORG, WEBHOOK, JwksServer, Rig, Signer, start_rig, ticket
from worker.store import Store

SNAPSHOT = {
    **ticket(modified="2026-12-02T10:00:00.000Z"),
    "department": {"id": "9001", "name": "Support"},
    "contact": {"id": "5001", "firstName": "Ada", "account": {"accountName": "Zylker"}},
    "assignee": None,
}


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def jwks(signer) -> Iterator[JwksServer]:
    server = JwksServer([signer])
    yield server
    server.stop()


@pytest.fixture
def rig(redis_server, jwks) -> Iterator[Rig]:
    store = Store.connect(redis_server.client())
    store.mirror.put_many(ORG, {"101": SNAPSHOT})
    store.mirror.mark_backfilled(ORG)
    store.closed.mark_filled(ORG)
    running = start_rig(store, jwks)
    running.state.remember(ORG, WEBHOOK, {"url": "https://example.test/desk", "events": ["Ticket_Update"]})
    yield running
    running.http.close()
    running.server.shutdown()
