"""The typed webhooks resource against a fresh sandbox over real HTTP (list, get, create, update, delete, 404s), and
`deskpilot webhooks`' install/remove/on_desk through it; a create answered without an id stays the ValueError the
CLI reports (a Desk faked with httpx.MockTransport: the sandbox always sends the id)."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from worker.app.desk_config import desk_config
from worker.app.subscriptions import WEBHOOK_NAME, install, on_desk, remove
from worker.desk.auth import AccessToken
from worker.desk.budget import Lease
from worker.desk.client import DeskClient
from worker.desk.config import DeskConfig
from worker.desk.errors import NotFound
from worker.desk.resources.webhooks import WebhookInput
from worker.store.keys import Keys
from worker.store.webhooks import WebhookState

URL = "https://deskpilot.example.com/desk"


@pytest.fixture
def client(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server)
    with DeskClient(desk_config(settings), redis_server.client(), sandbox.org_ids[0], policy=FAST_POLICY) as client:
        yield client


def test_list_get_create_update_delete_and_404(client) -> None:
    assert client.webhooks.list() == []  # 204: none yet
    department = next(client.departments.iter()).id
    created = client.webhooks.create(
        WebhookInput(
            url=URL,
            name="typed",
            isEnabled=False,
            subscriptions={"Ticket_Add": {"departmentIds": [department]}, "Ticket_Delete": None},
        )
    )
    assert created.id.isdigit() and created.url == URL and created.isEnabled is False
    assert created.subscriptions == {"Ticket_Add": {"departmentIds": [department]}, "Ticket_Delete": None}
    assert created.type == "CUSTOMER_WEBHOOK" and created.createdBy and created.createdTime is not None
    fetched = client.webhooks.get(created.id)
    assert fetched == created
    assert [webhook.id for webhook in client.webhooks.list()] == [created.id]
    updated = client.webhooks.update(created.id, WebhookInput(subscriptions={"Ticket_Comment_Add": None}))
    assert updated.subscriptions == {"Ticket_Comment_Add": None} and updated.name == "typed"  # the rest kept
    client.webhooks.delete(created.id)
    assert client.webhooks.list() == []
    with pytest.raises(NotFound):
        client.webhooks.get(created.id)
    with pytest.raises(NotFound):
        client.webhooks.update(created.id, WebhookInput(isEnabled=True, subscriptions={}))
    with pytest.raises(NotFound):
        client.webhooks.delete(created.id)


def test_install_updates_then_remove_leaves_none_on_the_desk(client, redis_server) -> None:
    state = WebhookState(redis_server.client(), Keys())
    webhook_id, how = install(client, state, URL, {"Ticket_Update": None})
    assert how == "created"
    assert install(client, state, URL, {"Ticket_Add": None}) == (webhook_id, "updated")
    seen = on_desk(client, webhook_id)
    assert seen is not None and seen["name"] == WEBHOOK_NAME and seen["subscriptions"] == {"Ticket_Add": None}
    assert remove(client, state) == [webhook_id]
    assert on_desk(client, webhook_id) is None and client.webhooks.list() == []


class _Tokens:
    def get(self) -> AccessToken:
        return AccessToken(value="t", ttl_s=60.0)

    def invalidate(self, token: AccessToken) -> None:
        pass


class _Budget:
    def acquire(self, org_id: str, **_: object) -> Lease:
        return Lease(org_id=org_id, lease_id="l")

    def release(self, lease: Lease, *, remaining: int | None = None) -> None:
        pass


def test_a_create_answered_without_an_id_is_the_value_error_install_reports(redis_server) -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"url": URL})))
    config = DeskConfig(
        api_root="https://desk.example/api/v1",
        client_id="c",
        client_secret=SecretStr("s"),
        refresh_token=SecretStr("r"),
    )
    state = WebhookState(redis_server.client(), Keys())
    fake = DeskClient(config, None, "7", http=http, tokens=_Tokens(), budget=_Budget(), policy=FAST_POLICY)  # type: ignore[arg-type]
    with fake, pytest.raises(ValueError, match="has no id"):
        install(fake, state, URL, {"Ticket_Update": None})
    assert state.installed("7") == {}
