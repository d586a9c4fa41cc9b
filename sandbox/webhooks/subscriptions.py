"""Webhook subscriptions: what a webhook asks for, read from a create or update body, and their per-org store.

The body rules follow the vendor's spec (Webhook.json): the filter keys each ticket event takes, at most 5
`fields` on Ticket_Update, `direction` in|out on Ticket_Thread_Add, `ignoreSourceId` a UUID or "", and
`includeEventsFrom` only "AUTOMATION". Limits follow the vendor's edition table. A bad body is one 422
INVALID_DATA naming every bad field; a limit is 422 LICENSE_ACCESS_LIMITED; nothing is stored in either case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sandbox.errors import ApiError, invalid_data
from sandbox.records.custom_fields import by_api_name, by_label
from sandbox.state import Org

WEBHOOK_TYPE = "CUSTOMER_WEBHOOK"
MAX_WEBHOOKS = 20
ENABLED_BY_EDITION = {"Free": 0, "Standard": 0, "Professional": 5, "Enterprise": 10}
MAX_FIELDS = 5
DEPARTMENTS, FIELDS, PREV_STATE, DIRECTION = "departmentIds", "fields", "includePrevState", "direction"
TICKET_EVENTS: dict[str, tuple[str, ...] | None] = {  # event type -> the filter keys it takes (None: no filter)
    "Ticket_Add": (DEPARTMENTS,),
    "Ticket_Update": (DEPARTMENTS, FIELDS, PREV_STATE),
    "Ticket_Delete": None,
    "Ticket_Thread_Add": (DEPARTMENTS, DIRECTION),
    "Ticket_Comment_Add": (DEPARTMENTS,),
    "Ticket_Comment_Update": (DEPARTMENTS,),
}
STORED_ONLY_EVENTS = frozenset(  # the vendor's other event types: accepted and kept, never delivered here
    {
        *(
            f"{kind}_{verb}"
            for kind in ("Contact", "Account", "Agent", "Task", "Call", "Event")
            for verb in ("Add", "Update", "Delete")
        ),
        *(f"Department_{verb}" for verb in ("Add", "Update")),
        *(f"Article_{verb}" for verb in ("Add", "Update", "Delete")),
        *(f"TimeEntry_{verb}" for verb in ("Add", "Update", "Delete")),
        *(f"Ticket_Attachment_{verb}" for verb in ("Add", "Update", "Delete")),
        "Ticket_Approval_Add",
        "Ticket_Approval_Update",
        "Agent_Presence_Update",
    }
)
TICKET_FIELDS = frozenset(
    {
        "ticketNumber", "subject", "departmentId", "contactId", "productId", "email", "phone", "description",
        "status", "statusType", "assigneeId", "category", "subCategory", "classification", "resolution", "dueDate",
        "priority", "channel", "customFields", "cf", "customerResponseTime", "closedTime", "isDeleted", "approvalCount",
    }
)  # fmt: skip
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NAME_LIMIT, DESCRIPTION_LIMIT, URL_LIMIT = 100, 3000, 500
READ_ONLY = frozenset({"id", "type", "createdBy", "createdTime", "modifiedTime"})


@dataclass(frozen=True)
class EventFilter:
    """One event type's filter; None in a field means "no filter on it"."""

    department_ids: frozenset[str] | None = None
    fields: tuple[str, ...] | None = None
    include_prev_state: bool = False
    direction: str | None = None

    def view(self) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        if self.department_ids is not None:
            shown[DEPARTMENTS] = sorted(self.department_ids)
        if self.fields is not None:
            shown[FIELDS] = list(self.fields)
        if self.include_prev_state:
            shown[PREV_STATE] = True
        if self.direction is not None:
            shown[DIRECTION] = self.direction
        return shown


@dataclass
class Webhook:
    id: str
    org_id: str
    url: str
    subscriptions: dict[str, EventFilter | None]
    created_by: str
    created_time: str
    modified_time: str
    name: str = ""
    description: str = ""
    is_enabled: bool = True
    ignore_source_id: str = ""
    include_events_from: tuple[str, ...] = ()

    def view(self) -> dict[str, Any]:
        """The webhook as the API answers it."""
        return {
            "id": self.id,
            "url": self.url,
            "name": self.name,
            "description": self.description,
            "subscriptions": {
                event: None if rule is None else rule.view() for event, rule in self.subscriptions.items()
            },
            "isEnabled": self.is_enabled,
            "ignoreSourceId": self.ignore_source_id,
            "includeEventsFrom": list(self.include_events_from),
            "type": WEBHOOK_TYPE,
            "createdBy": self.created_by,
            "createdTime": self.created_time,
            "modifiedTime": self.modified_time,
        }

    def filter_for(self, event_type: str) -> tuple[bool, EventFilter | None]:
        """(subscribed, its filter)."""
        return event_type in self.subscriptions, self.subscriptions.get(event_type)


class BadField(Exception):
    """Body values that do not fit: each its JSON pointer below the body and the Desk's errorType."""

    def __init__(self, where: str, kind: str = "invalid", more: list[tuple[str, str]] | None = None) -> None:
        super().__init__(where)
        self.problems = [(where, kind), *(more or [])]


def _text(name: str, limit: int) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > limit:
            raise BadField(name)
        return value

    return read


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > URL_LIMIT:
        raise BadField("url", "missing" if not value else "invalid")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadField("url")
    return value.strip()


def _departments(org: Org, where: str, value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise BadField(where)
    ids = set()
    for item in value:
        text = str(item).strip() if isinstance(item, (str, int)) and not isinstance(item, bool) else ""
        if text not in org.departments:
            raise BadField(where)
        ids.add(text)
    return frozenset(ids)


def _fields(where: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    known = TICKET_FIELDS | set(by_label("tickets")) | set(by_api_name("tickets"))
    if not isinstance(value, list) or len(value) > MAX_FIELDS or not all(item in known for item in value):
        raise BadField(where)
    return tuple(value)


def _filter(org: Org, event: str, value: Any) -> EventFilter | None:
    """The filter of one subscribed event; `departmentId` is the spec's synonym of `departmentIds`."""
    where = f"subscriptions/{event}"
    keys = TICKET_EVENTS.get(event, (DEPARTMENTS, PREV_STATE))
    if value is None:
        return None
    if keys is None or not isinstance(value, dict):
        raise BadField(where)
    given = {DEPARTMENTS if key == "departmentId" else key: item for key, item in value.items()}
    unknown = sorted(set(given) - set(keys))
    if unknown:
        raise BadField(f"{where}/{unknown[0]}")
    prev_state = given.get(PREV_STATE)
    if prev_state not in (None, True, False):
        raise BadField(f"{where}/{PREV_STATE}")
    direction = given.get(DIRECTION)
    if direction not in (None, "in", "out"):
        raise BadField(f"{where}/{DIRECTION}")
    return EventFilter(
        department_ids=_departments(org, f"{where}/{DEPARTMENTS}", given.get(DEPARTMENTS)),
        fields=_fields(f"{where}/{FIELDS}", given.get(FIELDS)),
        include_prev_state=bool(prev_state),
        direction=direction,
    )


def _subscriptions(org: Org, value: Any) -> dict[str, EventFilter | None]:
    """Every event's filter; one BadField naming each bad event or filter key."""
    if not isinstance(value, dict) or not value:
        raise BadField("subscriptions", "missing" if not value else "invalid")
    filters: dict[str, EventFilter | None] = {}
    problems: list[tuple[str, str]] = []
    for event, rule in value.items():
        if event not in TICKET_EVENTS and event not in STORED_ONLY_EVENTS:
            problems.append((f"subscriptions/{event}", "invalid"))
            continue
        try:
            filters[event] = _filter(org, event, rule)
        except BadField as bad:
            problems.extend(bad.problems)
    if problems:
        raise BadField(*problems[0], more=problems[1:])
    return filters


def _readers(org: Org) -> dict[str, tuple[str, Callable[[Any], Any]]]:
    """Each writable key: the Webhook attribute it sets and how its value is read."""
    return {
        "url": ("url", _url),
        "subscriptions": ("subscriptions", lambda value: _subscriptions(org, value)),
        "name": ("name", _text("name", NAME_LIMIT)),
        "description": ("description", _text("description", DESCRIPTION_LIMIT)),
        "isEnabled": ("is_enabled", _boolean),
        "ignoreSourceId": ("ignore_source_id", _source_id),
        "includeEventsFrom": ("include_events_from", _sources),
    }


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadField("isEnabled")
    return value


def _source_id(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not UUID.match(value):
        raise BadField("ignoreSourceId")
    return value.lower()


def _sources(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or any(item != "AUTOMATION" for item in value):
        raise BadField("includeEventsFrom")
    return tuple(dict.fromkeys(value))


def read_body(org: Org, body: Any, *, create: bool) -> dict[str, Any]:
    """The Webhook attributes the body sets; raises one 422 INVALID_DATA naming every bad or missing key.
    Read-only keys sent back (a client echoing a fetched webhook) are ignored; other unknown keys are refused."""
    if not isinstance(body, dict):
        raise ApiError(422, "INVALID_DATA", "The request body must be a JSON object.", errors=[])
    readers = _readers(org)
    required = ("url", "subscriptions") if create else ("subscriptions",)
    missing = [name for name in required if body.get(name) in (None, "", {})]
    errors: list[tuple[str, str]] = [(name, "missing") for name in missing]
    errors += [(name, "invalid") for name in body if name not in readers and name not in READ_ONLY]
    values: dict[str, Any] = {}
    for name, raw in body.items():
        if name in readers and name not in missing:
            attribute, read = readers[name]
            try:
                values[attribute] = read(raw)
            except BadField as bad:
                errors.extend(bad.problems)
    if errors:
        raise invalid_data(*errors)
    return values


def enabled_limit(org: Org) -> int:
    return ENABLED_BY_EDITION.get(org.edition, ENABLED_BY_EDITION["Professional"])


@dataclass
class WebhookStore:
    """Every org's webhooks, in creation order."""

    orgs: dict[str, dict[str, Webhook]] = field(default_factory=dict)

    def of(self, org_id: str) -> dict[str, Webhook]:
        return self.orgs.get(org_id, {})

    def get(self, org_id: str, webhook_id: str) -> Webhook | None:
        return self.of(org_id).get(webhook_id)

    def enabled(self, org_id: str) -> list[Webhook]:
        return [webhook for webhook in self.of(org_id).values() if webhook.is_enabled]

    def check_limits(self, org: Org, webhook: Webhook, *, new: bool) -> None:
        """Refuse what would pass the org's limits: 20 webhooks, and the edition's enabled count."""
        existing = self.of(org.id)
        if new and len(existing) >= MAX_WEBHOOKS:
            raise _limited(f"An organisation can have at most {MAX_WEBHOOKS} webhooks; delete one first.")
        others_enabled = sum(1 for other in existing.values() if other.is_enabled and other.id != webhook.id)
        limit = enabled_limit(org)
        if webhook.is_enabled and others_enabled >= limit:
            raise _limited(
                f"The {org.edition} edition allows {limit} enabled webhooks; disable one (isEnabled: false) first."
            )

    def put(self, webhook: Webhook) -> None:
        self.orgs.setdefault(webhook.org_id, {})[webhook.id] = webhook

    def remove(self, org_id: str, webhook_id: str) -> Webhook | None:
        return self.orgs.get(org_id, {}).pop(webhook_id, None)


def _limited(message: str) -> ApiError:
    return ApiError(422, "LICENSE_ACCESS_LIMITED", message)
