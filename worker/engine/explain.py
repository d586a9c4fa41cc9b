"""Render an evaluation for people: each rule's verdict, the condition that stopped it, the plan of those that fired.

Event ticket.created on ticket 1892000000042034 at 2026-11-28T10:00:00Z: 2 of 7 rules fired
  FIRED          vip-to-tier2           rules/vip.yaml:3
                   move  department='Tier 2' departmentId='1892000000082069'
  NOT MATCHED    billing-to-billing     rules/triage.yaml:12
                   subject contains 'invoice': actual 'Order delayed'
  NOT TRIGGERED  sla-overdue-task       rules/sla_escalation.yaml:5  listens to schedule, not ticket.created
"""

from __future__ import annotations

from typing import Any

from worker.engine.conditions import Failure, show
from worker.engine.evaluate import Evaluation, Verdict
from worker.engine.ruleset import RuleSet

_LABELS = {
    "fired": "FIRED",
    "not_matched": "NOT MATCHED",
    "not_triggered": "NOT TRIGGERED",
    "disabled": "DISABLED",
    "skipped": "SKIPPED",
    "failed": "FAILED",
}
_INDENT = " " * 19


def explain_text(rules: RuleSet, evaluation: Evaluation, *, verbose: bool = True) -> str:
    """The verdicts as text; `verbose=False` leaves out rules that do not listen to the event."""
    fired = len(evaluation.fired)
    header = (
        f"Event {evaluation.event.kind} on ticket {evaluation.ticket_id or '?'} at "
        f"{evaluation.now.strftime('%Y-%m-%dT%H:%M:%SZ')}: {fired} of {len(evaluation.verdicts)} rules fired"
    )
    lines = [header]
    width = max((len(verdict.rule) for verdict in evaluation.verdicts), default=0)
    for verdict in evaluation.verdicts:
        if not verbose and verdict.status == "not_triggered":
            continue
        lines.extend(_verdict_lines(rules, verdict, width))
    return "\n".join(lines)


def _verdict_lines(rules: RuleSet, verdict: Verdict, width: int) -> list[str]:
    rule = rules.get(verdict.rule)
    source = rule.source if rule else ""
    head = f"  {_LABELS.get(verdict.status, verdict.status.upper()):<15}{verdict.rule:<{width}}  {source}"
    if verdict.status == "fired":
        lines = [head + ("  (dry run: planned, not executed)" if verdict.dry_run else "")]
        lines.extend(f"{_INDENT}{action.type}  {_params(action.params)}" for action in verdict.actions)
        return lines
    if verdict.status == "not_matched" and verdict.failure is not None:
        return [head, *(_INDENT + line for line in failure_lines(verdict.failure))]
    return [f"{head}  {verdict.reason}"]


def failure_lines(failure: Failure, depth: int = 0) -> list[str]:
    """The failing condition, nested for `any` (every alternative failed)."""
    pad = "  " * depth
    if failure.operator == "any":
        lines = [f"{pad}none of these held:"]
        for child in failure.children:
            lines.extend(failure_lines(child, depth + 1))
        return lines
    return [pad + failure.describe()]


def _params(params: Any) -> str:
    if not isinstance(params, dict):
        return repr(params)
    parts = []
    for key, value in params.items():
        if key == "candidates" and isinstance(value, list):
            value = [item.get("email") or item.get("id") for item in value]
        elif key == "skipped" and isinstance(value, list):
            value = [f"{item.get('email') or item.get('id')} ({item.get('reason')})" for item in value]
        parts.append(f"{key}={show(value)}")
    return " ".join(parts)
