"""Checks that need a whole compiled rule (or the whole ordered set), run at load.

Errors (the rule set is refused):
- a time rule (on: schedule) without `once` and without a nullifying condition: it would act again on every
  sweep. A nullifying condition is a top-level test its own actions make false: the rule sets status On Hold and
  requires `status not_in [On Hold]`; it assigns and requires `assigneeId exists: false`.
- an elapsed-time condition (older_than / newer_than) inside `any`.
Warnings (reported, the rule set still loads):
- a field path no ticket has (customFields.* and cf.* are always accepted);
- change operators in a time rule (a sweep carries no change, so they never match);
- a rule that can never run because an earlier enabled rule with an unconditional `stop` listens to all of its
  events.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from worker.engine.conditions import Leaf
from worker.engine.paths import is_known_path, suggest_path
from worker.engine.planner import SOME_VALUE
from worker.engine.ruleset import CompiledRule
from worker.engine.schema import OncePerAnchor

Report = Callable[..., None]  # report(rule, path, message, severity="error", at_key=False)


def lint_rule(rule: CompiledRule, report: Report) -> None:
    """Every per-rule lint; `report(rule, loc, message, severity=..., at_key=...)` receives the findings."""
    loc = ("rules", rule.position)
    leaves = rule.condition.leaves
    for leaf in leaves:
        if leaf.family == "elapsed" and leaf.under_any:
            report(rule, leaf.loc + (leaf.operator,), f"time condition {leaf.operator} is not allowed inside any; "
                   "put it at the top level or under all", at_key=True)
        if not is_known_path(leaf.path):
            report(rule, leaf.loc + ("field",), _unknown_path(leaf.path), severity="warning")
        if rule.is_time_rule and leaf.family == "change":
            report(rule, leaf.loc + (leaf.operator,), f"{leaf.operator} never matches in a time rule: a sweep "
                   "carries no change", severity="warning", at_key=True)
    if isinstance(rule.model.once, OncePerAnchor) and not is_known_path(rule.model.once.per_anchor):
        report(rule, loc + ("once", "per_anchor"), _unknown_path(rule.model.once.per_anchor), severity="warning")
    if rule.is_time_rule and rule.once is None and not nullifying_leaves(rule):
        report(rule, loc + ("on",), f"time rule {rule.id!r} would act on every sweep: add once: per_ticket, "
               "once: {per_anchor: FIELD}, or a condition its own actions make false "
               "(e.g. set status On Hold and require status not_in [On Hold])")


def _unknown_path(path: str) -> str:
    suggestion = suggest_path(path)
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return f"no ticket has the field {path!r}{hint}; custom fields are customFields.NAME or cf.NAME"


def nullifying_leaves(rule: CompiledRule) -> list[Leaf]:
    """The top-level tests of `rule` that its own actions make false."""
    sets: dict[str, Any] = {}
    for action in rule.actions:
        sets.update(action.sets)
    return [leaf for leaf in rule.condition.leaves
            if leaf.top_level and leaf.path in sets and _made_false(leaf, sets[leaf.path])]


def _made_false(leaf: Leaf, value: Any) -> bool:
    if leaf.accepts is None:
        return False
    if value is SOME_VALUE:  # set, but to a value not known at load: only emptiness is decidable
        if leaf.operator not in ("exists", "is_empty"):
            return False
        value = "<some value>"
    passes = leaf.accepts(value)
    return passes if leaf.under_not else not passes


def lint_order(rules: Sequence[CompiledRule], report: Report) -> None:
    """Warn about rules shadowed by an earlier unconditional stop (rules are in evaluation order)."""
    stoppers: dict[str, CompiledRule] = {}
    for rule in rules:
        blocking = {kind: stoppers[kind] for kind in rule.kinds if kind in stoppers}
        if rule.kinds and len(blocking) == len(rule.kinds):
            first = next(iter(blocking.values()))
            kinds = ", ".join(sorted(rule.kinds))
            report(rule, ("rules", rule.position), f"rule {rule.id!r} never runs: rule {first.id!r} "
                   f"({first.source}) has stop: true and no condition, so it stops every {kinds} event first",
                   severity="warning")
        model = rule.model
        if model.stop and model.if_ is None and model.enabled and not model.dry_run:
            for kind in rule.kinds:
                stoppers.setdefault(kind, rule)
