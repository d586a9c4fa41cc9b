"""Webhooks (the vendor's Webhook.json): the org's subscriptions to change events. GET /webhooks answers
{"data": [...]} or 204 and is not paged (at most 20 webhooks per org); creating is not idempotent (OutcomeUnknown
when the answer has no id: the webhook may exist); PATCH replaces the keys it sends (`subscriptions` as a whole);
DELETE answers with no body. Scopes: any of Desk.events, Desk.settings or Desk.webhooks at the call's level."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from worker.desk.budget import Priority
from worker.desk.models.common import DeskInput, DeskModel, Flag, Id, OptId, Timestamp, body_of
from worker.desk.resources._base import PriorityArg, Resource, seg

# Event type -> its filter ({"departmentIds": [...], "fields": [...], ...}) or null; the vendor types a few events'
# filter as a string.
Subscriptions = dict[str, dict[str, Any] | str | None]


class Webhook(DeskModel):
    id: Id
    url: str | None = None
    name: str | None = None
    description: str | None = None
    subscriptions: Subscriptions | None = None
    isEnabled: Flag = None
    ignoreSourceId: str | None = None
    includeEventsFrom: list[str] | None = None
    type: str | None = None  # CUSTOMER_WEBHOOK | EXTENSION_WEBHOOK
    createdBy: OptId = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None


class WebhookInput(DeskInput):
    """A create needs `url` and `subscriptions`; an update sends only the fields set (`subscriptions` replaces the
    stored map). An event's filter left None is sent as null: the event unfiltered."""

    url: str | None = None
    name: str | None = None
    description: str | None = None
    subscriptions: Subscriptions | None = None
    isEnabled: bool | None = None
    ignoreSourceId: str | None = None  # a UUID: calls sending it as their source id trigger no delivery
    includeEventsFrom: list[str] | None = None


class WebhooksResource(Resource):
    def list(self) -> list[Webhook]:
        return self._get_list(Webhook, "/webhooks")

    def get(self, webhook_id: str) -> Webhook:
        return self._get_one(Webhook, f"/webhooks/{seg(webhook_id)}")

    def create(self, data: WebhookInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL) -> Webhook:
        return self._write(Webhook, "POST", "/webhooks", json=body_of(data), idempotent=False, priority=priority)

    def update(
        self, webhook_id: str, data: WebhookInput | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL
    ) -> Webhook:
        return self._write(
            Webhook, "PATCH", f"/webhooks/{seg(webhook_id)}", json=body_of(data), idempotent=True, priority=priority
        )

    def delete(self, webhook_id: str, *, priority: PriorityArg = Priority.NORMAL) -> None:
        self._write(None, "DELETE", f"/webhooks/{seg(webhook_id)}", idempotent=True, priority=priority)
