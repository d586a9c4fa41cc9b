"""Which SLA policy governs a ticket: the first enabled policy, in file order (files alphabetical, then position),
whose `if` holds on the ticket as it is now.

A ticket that moves to another department may come under another policy; levels are keyed by policy, so the new
policy's levels fire on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from worker.engine.conditions import EvalContext, Failure
from worker.engine.sla.policy import CompiledPolicy

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

SCHEDULE_KIND = "schedule"


def active_policies(rules: RuleSet) -> tuple[CompiledPolicy, ...]:
    """The enabled policies, in order (kept in `rules.memo`)."""
    policies = rules.memo.get("sla.active")
    if policies is None:
        policies = rules.memo["sla.active"] = tuple(p for p in getattr(rules, "sla_policies", ()) if p.enabled)
    return policies


def context(ticket: Mapping[str, Any], now: datetime) -> EvalContext:
    """What policy conditions and stop conditions see: the ticket now, no change (as in a sweep)."""
    return EvalContext(ticket, None, None, SCHEDULE_KIND, now)


def governing_policy(
    rules: RuleSet, ticket: Mapping[str, Any], now: datetime, ctx: EvalContext | None = None
) -> CompiledPolicy | None:
    """The first enabled policy whose condition holds on the ticket; None when none does."""
    ctx = ctx or context(ticket, now)
    for policy in active_policies(rules):
        if policy.check(ctx) is None:
            return policy
    return None


def policy_verdicts(
    rules: RuleSet, ticket: Mapping[str, Any], now: datetime
) -> list[tuple[CompiledPolicy, str, Failure | None]]:
    """Each policy up to the governing one: (policy, "applies" | "not_matched" | "disabled", failure)."""
    ctx = context(ticket, now)
    out: list[tuple[CompiledPolicy, str, Failure | None]] = []
    for policy in getattr(rules, "sla_policies", ()):
        if not policy.enabled:
            out.append((policy, "disabled", None))
            continue
        failure = policy.check(ctx)
        out.append((policy, "not_matched" if failure is not None else "applies", failure))
        if failure is None:
            break
    return out
