"""Applying actions against the real thing: the sandbox Desk over HTTP and a real redis-server, no processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from config.settings import Settings
from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from worker.actions.enforcer import ClientFor, Enforcer
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.store import Store
from worker.store.records import LedgerAction


@contextmanager
def desk_clients(settings: Settings, store: Store) -> Iterator[ClientFor]:
    """One DeskClient per org, as a worker process keeps them; closed at the end."""
    clients: dict[str, DeskClient] = {}

    def client_for(org_id: str) -> DeskClient:
        if org_id not in clients:
            clients[org_id] = DeskClient(desk_config(settings), store.redis, org_id, policy=FAST_POLICY)
        return clients[org_id]

    try:
        yield client_for
    finally:
        for client in clients.values():
            client.close()


def setup(sandbox, redis_server, **overrides: Any) -> tuple[Settings, Store, Enforcer]:
    settings = desk_settings(sandbox, redis_server, **overrides)
    store = Store.connect(redis_server.client())
    return settings, store, Enforcer(store, "test-worker", send_next=lambda _: None)


def direct_api(sandbox) -> httpx.Client:
    """The Desk as a person's script sees it (its own token), to arrange a ticket's state."""
    headers = {"orgId": sandbox.org_ids[0], "Authorization": f"Zoho-oauthtoken {sandbox.access_token()}"}
    return httpx.Client(base_url=sandbox.api_root, headers=headers, timeout=10.0)


def first_ticket(api: httpx.Client) -> dict[str, Any]:
    return api.get("/tickets", params={"limit": 1}).json()["data"][0]


def action(sandbox, ticket: dict[str, Any], kind: str, params: dict[str, Any], index: int = 0) -> LedgerAction:
    return LedgerAction(
        rule="r",
        index=index,
        type=kind,
        ticket=ticket["id"],
        org=sandbox.org_ids[0],
        event="ev-1",
        version="1",
        ticket_department=ticket["departmentId"],
        params=params,
    )


def writes(sandbox, method: str, path_part: str) -> list[dict[str, Any]]:
    entries = sandbox.control.get("/_sandbox/writes").json()["data"]
    return [entry for entry in entries if entry["method"] == method and path_part in entry["path"] and entry["applied"]]
