"""One sandbox's webhooks, put together: the subscriptions, the observer of ticket writes, the signer and the
sender, with the operations the API resource and the controls call."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.state import Desk, Org
from sandbox.webhooks.changes import Event
from sandbox.webhooks.deliveries import DeliveryLog
from sandbox.webhooks.matching import judge
from sandbox.webhooks.observe import ChangeObserver
from sandbox.webhooks.sender import Sender
from sandbox.webhooks.settings import DeliveryControls
from sandbox.webhooks.signing import Signer
from sandbox.webhooks.subscriptions import Webhook, WebhookStore
from sandbox.webhooks.validation import validate_url


@dataclass
class Webhooks:
    desk: Desk
    store: WebhookStore = field(default_factory=WebhookStore)
    signer: Signer = field(default_factory=Signer)
    controls: DeliveryControls = field(default_factory=DeliveryControls)
    deliveries: DeliveryLog = field(default_factory=DeliveryLog)
    observer: ChangeObserver = field(init=False)
    sender: Sender = field(init=False)

    def __post_init__(self) -> None:
        self.observer = ChangeObserver(self.dispatch)
        self.sender = Sender(self.store, self.signer, self.controls, self.deliveries, self.desk.clock, self.remove)

    # the API's side ------------------------------------------------------------------------------
    def create(self, org: Org, values: dict[str, Any], created_by: str) -> Webhook:
        now = org.now_text()
        webhook = Webhook(
            **values, id=org.new_id(), org_id=org.id, created_by=created_by, created_time=now, modified_time=now
        )
        self.store.check_limits(org, webhook, new=True)
        self._validate(webhook.url)
        self.signer.current()  # the key pair is made now, so the first delivery does not wait for it
        self.store.put(webhook)
        self.observer.watch(org)
        return webhook

    def update(self, org: Org, webhook: Webhook, values: dict[str, Any]) -> Webhook:
        """Checked on a copy first, so a refused change leaves the stored webhook as it was."""
        changed = replace(webhook, **values, modified_time=org.now_text())
        self.store.check_limits(org, changed, new=False)
        if changed.url != webhook.url:
            self._validate(changed.url)
        self.store.put(changed)
        return changed

    def _validate(self, url: str) -> None:
        if self.controls.validate_urls:
            validate_url(url, self.controls.timeout_ms / 1000)

    def remove(self, org_id: str, webhook_id: str) -> bool:
        """Delete one webhook (the API's DELETE, or a 410 from its receiver); an org left without stops being
        watched."""
        removed = self.store.remove(org_id, webhook_id) is not None
        self.sender.forget(webhook_id)
        org = self.desk.org(org_id)
        if org is not None and not self.store.of(org_id):
            self.observer.unwatch(org)
        return removed

    # the writes' side ----------------------------------------------------------------------------
    def dispatch(self, event: Event) -> None:
        """Queue one delivery of `event` to every enabled webhook of its org that wants it."""
        for webhook in self.store.enabled(event.org_id):
            verdict = judge(webhook, event)
            if verdict.wanted:
                self.sender.submit(webhook, [event.body(verdict.with_prev_state)])
