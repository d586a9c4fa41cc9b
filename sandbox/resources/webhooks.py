"""GET/POST /webhooks, GET/PATCH/DELETE /webhooks/{webhook_id}: the org's webhook subscriptions.

The contract (bodies, events, deliveries, limits) is in sandbox.webhooks' docstring. As the vendor's spec says:
a create answers 200 with the webhook, a delete 200 with no body, an empty list 204. The scope is any of
Desk.events, Desk.settings or Desk.webhooks with the action's level (ALL covers each).
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, deleted, listing, ok
from sandbox.errors import not_found
from sandbox.webhooks.subscriptions import Webhook, read_body


def _scopes(action: str) -> tuple[str, ...]:
    return tuple(f"Desk.{family}.{action}" for family in ("events", "settings", "webhooks"))


def _path_webhook(call: Call) -> Webhook:
    webhook = call.sandbox.webhooks.store.get(call.org.id, call.path["webhook_id"])
    if webhook is None:
        raise not_found()
    return webhook


def create_webhook(call: Call) -> Reply:
    values = read_body(call.org, call.body, create=True)
    return ok(call.sandbox.webhooks.create(call.org, values, created_by=call.agent["id"]).view())


def list_webhooks(call: Call) -> Reply:
    return listing([webhook.view() for webhook in call.sandbox.webhooks.store.of(call.org.id).values()])


def get_webhook(call: Call) -> Reply:
    return ok(_path_webhook(call).view())


def update_webhook(call: Call) -> Reply:
    webhook = _path_webhook(call)
    values = read_body(call.org, call.body, create=False)
    return ok(call.sandbox.webhooks.update(call.org, webhook, values).view())


def delete_webhook(call: Call) -> Reply:
    webhook = _path_webhook(call)
    call.sandbox.webhooks.remove(call.org.id, webhook.id)
    return deleted()


WEBHOOKS = "/webhooks"
WEBHOOK = WEBHOOKS + "/{webhook_id:id}"
ENDPOINTS = [
    Endpoint("POST", WEBHOOKS, create_webhook, _scopes("CREATE"), body="json"),
    Endpoint("GET", WEBHOOKS, list_webhooks, _scopes("READ")),
    Endpoint("GET", WEBHOOK, get_webhook, _scopes("READ")),
    Endpoint("PATCH", WEBHOOK, update_webhook, _scopes("UPDATE"), body="json"),
    Endpoint("DELETE", WEBHOOK, delete_webhook, _scopes("DELETE")),
]
