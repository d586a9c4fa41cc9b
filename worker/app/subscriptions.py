"""The webhook subscriptions the loaded rules need, and their upkeep on the Desk (`deskpilot webhooks ...`).

Event types: each rule kind's (`ticket.created` -> Ticket_Add, `ticket.updated` -> Ticket_Update, `ticket.replied`
-> Ticket_Thread_Add from customers, `ticket.commented` -> Ticket_Comment_Add; a kind not listed here takes
Ticket_Update and Ticket_Thread_Add, which cover any ticket change). Time rules and SLA policies read the mirror, so
they add Ticket_Add and Ticket_Update (and SLA clocks every thread) to keep it fresh.

Departments: narrowed only when every event rule pins the ticket's department (a top-level `equals`/`in` on
department.name, department.id or departmentId) and no time rule or SLA policy reads the mirror; otherwise all.
`fields` is never set: a change of a field no rule tests still updates the mirror that sweeps read, and the safety
net would otherwise find it as a missed delivery. `includePrevState` is not asked for: the mirror holds the before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from worker.desk.client import DeskClient
from worker.desk.errors import NotFound, OutcomeUnknown
from worker.engine.ruleset import RuleSet
from worker.engine.schema import AllCondition, FieldCondition
from worker.store.webhooks import WebhookState

KIND_EVENTS = {
    "ticket.created": ("Ticket_Add",),
    "ticket.updated": ("Ticket_Update",),
    "ticket.replied": ("Ticket_Thread_Add",),
    "ticket.commented": ("Ticket_Comment_Add",),
}
ANY_CHANGE = ("Ticket_Update", "Ticket_Thread_Add")
MIRROR_EVENTS = ("Ticket_Add", "Ticket_Update")
DEPARTMENT_FIELDS = {"department.name": "name", "department.id": "id", "departmentId": "id"}
WEBHOOK_NAME = "deskpilot"


@dataclass(frozen=True)
class Need:
    events: tuple[str, ...]
    departments: tuple[tuple[str, str], ...] | None  # (by "name" or "id", value); None: every department
    reply_direction: str | None  # "in" when only customers' replies matter


def needs(rules: RuleSet) -> Need:
    """What the rule set needs delivered (pure)."""
    event_rules = [rule for rule in rules if rule.model.enabled and not rule.is_time_rule]
    events: set[str] = set()
    for rule in event_rules:
        for kind in rule.kinds:
            events.update(KIND_EVENTS.get(kind, ANY_CHANGE))
    reads_mirror = bool(rules.time_rules) or bool(rules.sla_policies)
    if reads_mirror:
        events.update(MIRROR_EVENTS)
    if rules.sla_policies:
        events.add("Ticket_Thread_Add")
    only_customer_replies = not rules.sla_policies and all(
        "ticket.replied" in rule.kinds or "Ticket_Thread_Add" not in _events_of(rule.kinds) for rule in event_rules
    )
    pins = [_pinned_departments(rule.model.if_) for rule in event_rules]
    departments = None
    if event_rules and not reads_mirror and all(pin is not None for pin in pins):
        departments = tuple(sorted({item for pin in pins for item in pin or ()}))
    return Need(tuple(sorted(events)), departments, "in" if only_customer_replies else None)


def _events_of(kinds: Iterable[str]) -> set[str]:
    return {event for kind in kinds for event in KIND_EVENTS.get(kind, ANY_CHANGE)}


def _pinned_departments(condition: Any) -> list[tuple[str, str]] | None:
    """The departments a condition requires the ticket to be in, or None when it does not pin one."""
    tests = condition.all if isinstance(condition, AllCondition) else [condition]
    for test in tests:
        if isinstance(test, FieldCondition) and test.field in DEPARTMENT_FIELDS:
            values = [test.equals] if test.operator == "equals" else test.in_ if test.operator == "in" else None
            if isinstance(values, list) and values and all(value is not None for value in values):
                return [(DEPARTMENT_FIELDS[test.field], str(value)) for value in values]
    return None


def subscriptions_body(need: Need, department_ids: list[str] | None) -> dict[str, Any]:
    """The `subscriptions` object of a webhook (pure)."""
    body: dict[str, Any] = {}
    for event in need.events:
        filters: dict[str, Any] = {}
        if department_ids is not None:
            filters["departmentIds"] = department_ids
        if event == "Ticket_Thread_Add" and need.reply_direction:
            filters["direction"] = need.reply_direction
        body[event] = filters or None
    return body


def department_ids(client: DeskClient, wanted: tuple[tuple[str, str], ...] | None) -> list[str] | None:
    """The ids of the wanted departments (by name or id); a name the Desk does not have is an error."""
    if wanted is None:
        return None
    known = {str(item.id): str(item.name) for item in client.departments.iter()}
    by_name = {name: department_id for department_id, name in known.items()}
    ids = []
    for by, value in wanted:
        department_id = value if by == "id" else by_name.get(value)
        if department_id is None or department_id not in known:
            raise LookupError(f"org {client.org_id} has no department {value!r} (named by the rules)")
        ids.append(department_id)
    return sorted(set(ids))


def install(client: DeskClient, state: WebhookState, url: str, subscriptions: dict[str, Any]) -> tuple[str, str]:
    """Create the org's deskpilot webhook, or update the one installed; returns (webhook id, "created"/"updated").
    A create answered without an id is a ValueError (the webhook may exist on the Desk but deskpilot cannot know
    it); a create that timed out stays OutcomeUnknown."""
    body = {"url": url, "name": WEBHOOK_NAME, "subscriptions": subscriptions, "isEnabled": True}
    for webhook_id in state.installed(client.org_id):
        try:
            client.webhooks.update(webhook_id, body)
        except NotFound:
            state.retire(client.org_id, webhook_id)  # gone on the Desk (a 410 removed it, or a person)
            continue
        state.remember(client.org_id, webhook_id, _record(body))
        return webhook_id, "updated"
    try:
        webhook_id = client.webhooks.create(body).id
    except OutcomeUnknown as exc:
        if exc.error_code != "NO_RECORD":
            raise
        raise ValueError(f"org {client.org_id}: the Desk's answer to creating a webhook has no id") from exc
    state.remember(client.org_id, webhook_id, _record(body))
    return webhook_id, "created"


def remove(client: DeskClient, state: WebhookState) -> list[str]:
    """Delete the org's deskpilot webhooks on the Desk; each is retired first, so a delivery still on its way is
    answered 410 (and a Desk whose delete failed drops it then)."""
    removed = []
    for webhook_id in state.installed(client.org_id):
        state.retire(client.org_id, webhook_id)
        with contextlib.suppress(NotFound):  # already gone
            client.webhooks.delete(webhook_id)
        removed.append(webhook_id)
    return removed


def on_desk(client: DeskClient, webhook_id: str) -> dict[str, Any] | None:
    """The webhook as the Desk has it, None when it is gone."""
    try:
        webhook = client.webhooks.get(webhook_id)
    except NotFound:
        return None
    return webhook.model_dump(mode="json")


def _record(body: dict[str, Any]) -> dict[str, Any]:
    return {"url": body["url"], "events": sorted(body["subscriptions"]), "subscriptions": body["subscriptions"]}
