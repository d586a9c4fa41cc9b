"""What every action family shares: the context an execution gets, the Executor protocol, provenance markers.

Each family module exposes `execute(ctx) -> str` (the outcome) and `verify(ctx) -> bool` (whether the action's
effect is already on the Desk, asked before writing again after an attempt whose outcome is unknown).
"""
from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

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


class Executor(Protocol):
    """What the registry (actions/__init__.py) maps each action type to: one module per type implements it."""

    def execute(self, ctx: ActionContext) -> str: ...

    def verify(self, ctx: ActionContext) -> bool: ...
