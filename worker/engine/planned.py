"""What a matched rule will do: planned actions, resolved and rendered, ready for the pipeline to execute.

`PlannedAction.as_dict()` is the stable form the test runner compares, `rules explain` prints and the pipeline
serialises:

    {"rule": "vip-to-tier2", "version": "3f2a9c1d7b4e", "index": 0, "type": "move", "ticket": "1892000000042034",
     "move": {"department": "Tier 2", "departmentId": "1892000000082069"},
     "batchable": false, "dry_run": false}

The parameters (under the action type's key) keep what the rule wrote (names, rendered texts) and add what the
directory resolved (ids, with the Desk's field names: departmentId, agentId, ownerId). Keys whose value is
unknown or unset are left out. An action whose texts name an assignee that a strategy has yet to pick has
`pending: ("assignee",)` (`"pending": ["assignee"]` in the dict) and the placeholders `{assignee.id}` /
`{assignee.zuid}` in its texts, for the pipeline to fill in once it picked (see effects.py). Per type:

    update      {<field>: value, ..., customFields: {...}}           batchable in schedule rules (constant values)
    assign      {agent, agentId}  or  {strategy, department, departmentId, maxOpenTickets, candidates, skipped}
    move        {department, departmentId}
    comment     {text, public}
    time_entry  {duration, hoursSpent, minutesSpent, secondsSpent, executedTime, description, owner, ownerId,
                 billable, charge_type}
    task        {subject, description, dueDate, due_in, owner, ownerId, priority, status, category,
                 departmentId, ticketId}
    reply       {from, to, text, content_type, channel}
    mark_spam   {isSpam: true}
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class PlannedAction:
    """One action of a matched rule, for one ticket; `params` are read-only (they may be shared)."""

    rule: str
    index: int
    type: str
    params: Mapping[str, Any]
    ticket: str = ""
    batchable: bool = False
    dry_run: bool = False
    version: str = ""  # the rule's version (a hash of its definition)
    pending: tuple[str, ...] = ()  # ("assignee",): texts hold {assignee.id} / {assignee.zuid} to fill in
    continue_on_failure: bool = False  # the rule's `on_action_failure: continue`: later actions run after a failure

    def as_dict(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "version": self.version,
            "index": self.index,
            "type": self.type,
            "ticket": self.ticket,
            self.type: _plain(self.params),
            "batchable": self.batchable,
            "dry_run": self.dry_run,
        }
        if self.pending:
            data["pending"] = list(self.pending)
        if self.continue_on_failure:
            data["on_action_failure"] = "continue"
        return data

    def action_id(self, event_id: str) -> str:
        """The deterministic id DESIGN.md gives an action: hash(event id, rule id, rule version, index)."""
        key = f"{event_id}\x1f{self.rule}\x1f{self.version}\x1f{self.index}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


@dataclass
class Params:
    """An ordered builder of action parameters that leaves out None values."""

    data: dict[str, Any] = field(default_factory=dict)

    def put(self, key: str, value: Any) -> Params:
        if value is not None:
            self.data[key] = value
        return self
