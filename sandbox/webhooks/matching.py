"""Whether a webhook wants an event (pure): subscribed, not from its own source, and through its filter."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.webhooks.changes import Event
from sandbox.webhooks.subscriptions import Webhook


@dataclass(frozen=True)
class Verdict:
    wanted: bool
    with_prev_state: bool = False


def judge(webhook: Webhook, event: Event) -> Verdict:
    """`departmentIds` looks at the ticket's department after the change; `fields` needs one of them changed;
    `direction` is the thread's; a change whose API request sent the webhook's `ignoreSourceId` is not wanted."""
    subscribed, rule = webhook.filter_for(event.event_type)
    if not subscribed or not webhook.is_enabled:
        return Verdict(False)
    if webhook.ignore_source_id and (event.source_id or "").lower() == webhook.ignore_source_id:
        return Verdict(False)
    if rule is None:
        return Verdict(True)
    if rule.department_ids is not None and event.department_id not in rule.department_ids:
        return Verdict(False)
    if rule.fields is not None and not event.changed_fields.intersection(rule.fields):
        return Verdict(False)
    if rule.direction is not None and event.direction != rule.direction:
        return Verdict(False)
    return Verdict(True, with_prev_state=rule.include_prev_state)
