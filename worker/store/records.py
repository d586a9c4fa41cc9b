"""The records the store persists between stages: a logged event and a ledger action, each with one codec.

`as_dict` / `from_dict` are the stored shape, `encode` / `decode` its JSON. The stored JSON is the one deployed
before these types existed (same keys, parameters under the action type's key), so records in flight when a
deployment upgrades decode as they are: a key an older producer left out (a bulk action's `after`/`next`,
`ticket_department`, `planned_at`; an event's `observed_at`) decodes to its default. Unknown keys are ignored.

Every producer now writes every field: the poller an `EventRecord`, the recorder and the sweeps' bulk path a
`LedgerAction` (a bulk action with `after`/`next` None, explicitly).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

EVALUATION_ONLY = ("ticket", "previous")  # what a finished event no longer keeps


@dataclass(frozen=True)
class EventRecord:
    """A change the poller saw on one ticket, as the event log keeps it until (and after) evaluation."""

    id: str
    org: str
    kind: str  # ticket.created, ticket.updated, ...
    ticket_id: str
    modified_time: str | None = None  # the ticket's modifiedTime: part of the id, and what latency is measured from
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (before, after)
    by_deskpilot: bool = False  # the change is one deskpilot wrote itself (loop guard)
    ticket: dict[str, Any] | None = None  # the ticket as seen; None once the event is finished
    previous: dict[str, Any] | None = None  # its snapshot before the change; None if there was none or finished
    observed_at: str | None = None  # when the poll that saw it started (ISO 8601)
    source: str = "poll"  # what saw the change first: "poll" or "webhook" (a delivery)

    def finished(self) -> EventRecord:
        """What a finished event keeps: everything but the tickets evaluation needed."""
        return replace(self, ticket=None, previous=None)

    def as_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "org": self.org,
            "kind": self.kind,
            "ticket_id": self.ticket_id,
            "modifiedTime": self.modified_time,
            "changes": {name: list(pair) for name, pair in self.changes.items()},
            "by_deskpilot": self.by_deskpilot,
            "ticket": self.ticket,
            "previous": self.previous,
            "observed_at": self.observed_at,
        }
        if self.source != "poll":  # the poll's events keep the shape they always had
            data["source"] = self.source
        if self.ticket is None and self.previous is None:  # a finished event: most of the bytes gone
            for name in EVALUATION_ONLY:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventRecord:
        return cls(
            id=data["id"],
            org=data["org"],
            kind=data["kind"],
            ticket_id=data["ticket_id"],
            modified_time=data.get("modifiedTime"),
            changes={name: tuple(pair) for name, pair in (data.get("changes") or {}).items()},
            by_deskpilot=bool(data.get("by_deskpilot")),
            ticket=data.get("ticket"),
            previous=data.get("previous"),
            observed_at=data.get("observed_at"),
            source=data.get("source") or "poll",
        )

    def encode(self) -> str:
        return json.dumps(self.as_dict())

    @classmethod
    def decode(cls, raw: str | bytes) -> EventRecord:
        return cls.from_dict(json.loads(raw))


@dataclass(frozen=True)
class LedgerAction:
    """One planned action as the ledger records it: what to do (a rule's planned action), where it came from, and
    its place in the rule's chain. Its id is the ledger key, not part of the record."""

    rule: str
    type: str  # comment, update, assign, ..., update_many (a sweep's bulk update)
    params: Mapping[str, Any]  # stored under the type's key: {"comment": {...}}
    ticket: str  # a ticket id; a bulk action's ids joined with ","
    org: str
    event: str = ""  # the event, sweep origin or SLA level it was planned for
    version: str = ""  # the rule's version
    index: int = 0  # its position among the rule's actions
    batchable: bool = False
    dry_run: bool = False
    pending: tuple[str, ...] = ()  # ("assignee",): texts wait for an earlier assign's pick (actions/pending.py)
    continue_on_failure: bool = False  # the rule's `on_action_failure: continue`
    priority: str | None = None  # "high": may spend the reserve of the daily credits
    ticket_department: str | None = None  # the ticket's department when planned
    planned_at: str | None = None  # ISO 8601
    after: str | None = None  # the action before it in the rule's chain (it waits for that one to be final)
    next: str | None = None  # the action after it (sent when this one is final)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "version": self.version,
            "index": self.index,
            "type": self.type,
            "ticket": self.ticket,
            self.type: dict(self.params),
            "batchable": self.batchable,
            "dry_run": self.dry_run,
            "org": self.org,
            "event": self.event,
            "ticket_department": self.ticket_department,
            "planned_at": self.planned_at,
            "after": self.after,
            "next": self.next,
        }
        if self.pending:
            data["pending"] = list(self.pending)
        if self.continue_on_failure:
            data["on_action_failure"] = "continue"
        if self.priority:
            data["priority"] = self.priority
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LedgerAction:
        return cls(
            rule=data["rule"],
            type=data["type"],
            params=data.get(data["type"]) or {},
            ticket=str(data["ticket"]),
            org=data["org"],
            event=data.get("event") or "",
            version=data.get("version") or "",
            index=int(data.get("index") or 0),
            batchable=bool(data.get("batchable")),
            dry_run=bool(data.get("dry_run")),
            pending=tuple(data.get("pending") or ()),
            continue_on_failure=data.get("on_action_failure") == "continue",
            priority=data.get("priority"),
            ticket_department=data.get("ticket_department"),
            planned_at=data.get("planned_at"),
            after=data.get("after"),
            next=data.get("next"),
        )

    def encode(self) -> str:
        return json.dumps(self.as_dict())

    @classmethod
    def decode(cls, raw: str | bytes) -> LedgerAction:
        return cls.from_dict(json.loads(raw))
