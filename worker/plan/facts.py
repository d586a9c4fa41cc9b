"""Fetch what the loaded rules' conditions read beyond the mirrored ticket, before the pure evaluation.

`engine/facts.py` says which fields a rule set needs; this gets them, and nothing when no rule names them:

- `contact.*` beyond the embedded contact: GET /contacts/{contactId} (the record unparsed, `cf` included);
- `account.*`: GET /accounts/{id}, the ticket's accountId, else the contact's (embedded or fetched);
- `sla.*`: no API call: the ticket's SLA timeline from the store (one Redis read; kept by the poller where SLA
  policies exist, else built from the ticket alone) and the clocks computed at the evaluation's time;
- `text` is derived in the engine (no call, nothing fetched here);
- `tags`: GET /tickets/{id}/tags, the names, never cached (a tag does not move the ticket's modifiedTime, and an
  add_tags action must be seen by the next change): one call per change of a kind a tag-reading rule listens to,
  and one per ticket a tag-reading time rule sweeps.

Records are cached in Redis for `ttl_s` (`<ns>:people:<org>:contact|account:<id>`), shared by every process:
per change at most one call each for the contact and the account, none while cached; a time rule's sweep costs
at most one call per distinct contact and account of the tickets it sweeps. A record the Desk does not have
(404) is cached as empty, so its fields read as missing; a throttled or failed fetch raises, so the event (or
sweep) is retried as for any Desk error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.desk.errors import NotFound
from worker.engine.facts import Needs, needs
from worker.engine.ruleset import RuleSet
from worker.engine.sla.state import sla_fields
from worker.engine.sla.timeline import Timeline
from worker.store import Store

log = structlog.get_logger(__name__)
DEFAULT_TTL_S = 300.0  # a requester's tier or account name changes rarely; five minutes late is acceptable


@dataclass
class FactsFetcher:
    """`for_ticket(rules, org, ticket, now, kind)`: the `facts` to pass to evaluate for an event of `kind` (a
    sweep: "schedule"), empty when no rule listening to it needs any."""

    store: Store
    client_for: Callable[[str], DeskClient]
    ttl_s: float = DEFAULT_TTL_S

    def for_ticket(
        self, rules: RuleSet, org_id: str, ticket: Mapping[str, Any], now: datetime, kind: str
    ) -> dict[str, Any]:
        wanted = needs(rules, kind)
        facts: dict[str, Any] = {}
        if wanted.fetches:
            facts.update(self._people(wanted, org_id, ticket))
        if wanted.tags and ticket.get("id"):
            tags = self.client_for(org_id).tags.for_ticket(str(ticket["id"]))
            facts["tags"] = [tag.name for tag in tags]
        if wanted.sla:
            facts["sla"] = sla_fields(rules, ticket, self._timeline(org_id, ticket), now)
        return facts

    def _people(self, wanted: Needs, org_id: str, ticket: Mapping[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        raw = ticket.get("contact")
        embedded: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        contact_id = _id(ticket.get("contactId")) or _id(embedded.get("id"))
        contact: Mapping[str, Any] = {}
        if wanted.contact and contact_id:
            contact = found["contact"] = self._record(org_id, "contact", contact_id)
        if wanted.account:
            account_id = (
                _id(ticket.get("accountId"))
                or _id(contact.get("accountId"))
                or _id(_get(embedded.get("account"), "id"))
            )
            found["account"] = self._record(org_id, "account", account_id) if account_id else {}
        return found

    def _record(self, org_id: str, kind: str, record_id: str) -> dict[str, Any]:
        key = self.store.keys.key("people", org_id, kind, record_id)
        cached = self.store.redis.get(key)
        if cached is not None:
            record: dict[str, Any] = json.loads(cached)
            return record
        resource = self.client_for(org_id).contacts if kind == "contact" else self.client_for(org_id).accounts
        try:
            record = resource.get_raw(record_id)
        except NotFound:
            record = {}
        self.store.redis.set(key, json.dumps(record), px=max(1, int(self.ttl_s * 1000)))
        log.info("facts.fetched", org=org_id, kind=kind, id=record_id, found=bool(record))
        return record

    def _timeline(self, org_id: str, ticket: Mapping[str, Any]) -> Timeline:
        ticket_id = str(ticket.get("id") or "")
        stored = self.store.timelines.get_many(org_id, [ticket_id]).get(ticket_id) if ticket_id else None
        if stored is not None:
            try:
                return Timeline.from_dict(stored)
            except ValueError as exc:
                log.warning("facts.bad_timeline", org=org_id, ticket=ticket_id, error=str(exc))
        return Timeline.from_threads(ticket, [])


def _get(record: Any, key: str) -> Any:
    return record.get(key) if isinstance(record, dict) else None


def _id(value: Any) -> str:
    return "" if value in (None, "") else str(value)
