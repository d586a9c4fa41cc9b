"""What every action type shares: the context an execution gets, the Executor base class, provenance markers.

Each type's module defines one Executor subclass: its `type` (the registry's key, actions/__init__.py),
`execute(ctx) -> str` (the outcome) and `verify(ctx) -> bool` (whether the action's effect is already on the Desk,
asked before writing again after an attempt whose outcome is unknown). Executors hold no state: the registry keeps
one instance of each, shared by every thread; everything an execution needs comes in its ActionContext.
"""

from __future__ import annotations

import html
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from worker.actions.outbound import Outbound, OutboundSetupError
from worker.desk.budget import Priority
from worker.desk.client import DeskClient
from worker.store import Store
from worker.store.records import LedgerAction

MARKER_PREFIX = "deskpilot"


@dataclass
class ActionContext:
    client: DeskClient
    store: Store
    action_id: str
    action: LedgerAction  # as recorded, with its pending values filled in (pending.py)
    outbound: Outbound | None = None  # webhooks and mail (notify, email); None where a process sends neither

    def outbound_required(self) -> Outbound:
        if self.outbound is None:
            raise OutboundSetupError(f"this process cannot deliver {self.action.type} actions (no outbound setup)")
        return self.outbound

    @property
    def org_id(self) -> str:
        return self.action.org

    @property
    def ticket_id(self) -> str:
        return self.action.ticket

    @property
    def rule(self) -> str:
        return self.action.rule

    @property
    def params(self) -> Mapping[str, Any]:
        return self.action.params

    @property
    def priority(self) -> Priority:
        """Escalations (rules marked high priority) may spend the reserve of the daily credits."""
        return Priority.HIGH if self.action.priority == "high" else Priority.NORMAL

    @property
    def marker(self) -> str:
        """Provenance that lets a retry find this action's own comment, reply, time entry or task."""
        return f"[{MARKER_PREFIX}:{self.rule}:{self.action_id}]"

    def html_with_marker(self, text: str) -> str:
        """Rendered text as HTML, with the marker as an invisible comment (customers never see it)."""
        body = html.escape(text).replace("\n", "<br>")
        return f"{body}<!-- {self.marker} -->"


class Executor(ABC):
    """One action type: how it is written to the Desk (through the typed client, `ctx.client`) and how a retry
    tells whether an earlier attempt already applied it. Writes pass `ctx.priority` and expect their own changes
    (`ctx.store.own_writes`) before sending, so the poller can tell them from an agent's."""

    type: ClassVar[str]  # the planned action's type, the registry's key

    @abstractmethod
    def execute(self, ctx: ActionContext) -> str:
        """Write the action; return its outcome for the ledger and the audit trail."""

    @abstractmethod
    def verify(self, ctx: ActionContext) -> bool:
        """Whether the action's effect is on the Desk already (False when it cannot be told: writing again must
        then be harmless)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(type={self.type!r})"
