"""The Desk OAuth scopes the loaded rules' actions need, so `deskpilot check` probes them besides deskpilot's own
(a token minted without them would fail each such action with 401 SCOPE_MISMATCH, dead-lettered, at run time).

Per action type, the scopes of the calls its executor makes, as the vendor's OpenAPI files give them: tags are
written through POST /tickets/{id}/associateTag and /dissociateTag, which need Desk.tickets.CREATE
(TicketTag.json), not UPDATE; the other ticket writes need Desk.tickets.UPDATE (Ticket.json, TicketComment.json,
Thread.json, TicketTimeEntry.json); tasks Desk.tasks.CREATE (Task.json); agents, teams and their availability
Desk.basic.READ (Agent.json). Only live rules count: a dry-run or disabled rule never writes."""

from __future__ import annotations

from collections.abc import Iterator

from worker.engine.planner import CompiledAction
from worker.engine.ruleset import RuleSet

TICKET_WRITE = ("Desk.tickets.UPDATE",)
ACTION_SCOPES: dict[str, tuple[str, ...]] = {
    "update": TICKET_WRITE,
    "assign": ("Desk.tickets.UPDATE", "Desk.basic.READ"),  # agents, teams, team members, availability
    "move": TICKET_WRITE,
    "comment": TICKET_WRITE,
    "reply": TICKET_WRITE,
    "time_entry": TICKET_WRITE,
    "mark_spam": TICKET_WRITE,
    "update_many": TICKET_WRITE,
    "task": ("Desk.tasks.CREATE",),
    "add_tags": ("Desk.tickets.CREATE",),
    "remove_tags": ("Desk.tickets.CREATE",),
    "email": ("Desk.basic.READ",),  # agents' addresses, teams' members
    "notify": (),
}


def rule_scopes(rules: RuleSet) -> dict[str, str]:
    """Scope -> which action needs it and where (the first one found, and how many more), in scope order."""
    found: dict[str, list[str]] = {}
    for where, action in _live_actions(rules):
        for scope in ACTION_SCOPES.get(action.type, ()):
            found.setdefault(scope, []).append(f"{action.type} at {where}")
    return {
        scope: users[0] + (f" and {len(users) - 1} more" if len(users) > 1 else "")
        for scope, users in sorted(found.items())
    }


def _live_actions(rules: RuleSet) -> Iterator[tuple[str, CompiledAction]]:
    for rule in rules.rules:
        if rule.model.enabled and not rule.model.dry_run:
            for action in rule.actions:
                yield rule.source, action
    for policy in rules.sla_policies:
        for metric in policy.metrics:
            for level in metric.levels:
                for action in level.actions:
                    yield f"{policy.file}:{policy.line}", action
