"""Checks that need a whole compiled rule (or the whole ordered set), run at load.

Errors (the rule set is refused):
- a time rule (on: schedule) without `once` and without a nullifying condition: it would act again on every
  sweep. A nullifying condition is a top-level test its own actions make false: the rule sets status On Hold and
  requires `status not_in [On Hold]`; it assigns and requires `assigneeId exists: false`.
- an elapsed-time condition (older_than / newer_than) inside `any`.
- a field path no ticket has, with the closest known one (customFields.* and cf.* are the org's own fields:
  `rules check --desk` checks those);
Warnings (reported, the rule set still loads):
- a `cf.` key that is not a custom field's API name (`cf_...`), in a condition or an update;
- change operators in a time rule (a sweep carries no change, so they never match);
- a rule that can never run because an earlier enabled rule with an unconditional `stop` listens to all of its
  events.

SLA policies (`lint_policies`): the same condition checks on their `if` and stop conditions (an elapsed test
inside `any` and an unknown field path are errors; a change operator - a sweep carries no change - is a
warning); an unknown field path as a clock start (error); a policy that never governs because an earlier
enabled one has no condition (warning); an escalation level whose offset lies before the clock's start for some
target, so it is due at once (warning).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from worker.engine.conditions import CompiledCondition, Leaf
from worker.engine.durations import format_duration
from worker.engine.paths import custom_key_problem, is_known_path, suggest_path
from worker.engine.planner import SOME_VALUE
from worker.engine.ruleset import CompiledRule
from worker.engine.schema import OncePerAnchor

if TYPE_CHECKING:
    from worker.engine.sla.policy import CompiledPolicy

Report = Callable[..., None]  # report(rule, path, message, severity="error", at_key=False)


def lint_rule(rule: CompiledRule, report: Report) -> None:
    """Every per-rule lint; `report(rule, loc, message, severity=..., at_key=...)` receives the findings."""
    loc = ("rules", rule.position)
    leaves = rule.condition.leaves
    for leaf in leaves:
        if leaf.family == "elapsed" and leaf.under_any:
            report(
                rule,
                leaf.loc + (leaf.operator,),
                f"time condition {leaf.operator} is not allowed inside any; put it at the top level or under all",
                at_key=True,
            )
        _lint_path(rule, leaf.path, leaf.loc + ("field",), report)
        if rule.is_time_rule and leaf.family == "change":
            report(
                rule,
                leaf.loc + (leaf.operator,),
                f"{_test_name(leaf)} never matches in a time rule: a sweep carries no change",
                severity="warning",
                at_key=True,
            )
    if isinstance(rule.model.once, OncePerAnchor):
        _lint_path(rule, rule.model.once.per_anchor, loc + ("once", "per_anchor"), report)
    _lint_custom_keys(rule, rule.actions, loc + ("then",), report)
    if rule.is_time_rule and rule.once is None and not nullifying_leaves(rule):
        report(
            rule,
            loc + ("on",),
            f"time rule {rule.id!r} would act on every sweep: add once: per_ticket, "
            "once: {per_anchor: FIELD}, or a condition its own actions make false "
            "(e.g. set status On Hold and require status not_in [On Hold])",
        )


def _lint_path(owner: Any, path: str, loc: tuple[Any, ...], report: Report) -> None:
    """An unknown field path is an error; a `cf.` key that is no API name a warning."""
    if not is_known_path(path):
        report(owner, loc, _unknown_path(path))
    elif (problem := custom_key_problem(path)) is not None:
        report(owner, loc, problem, severity="warning")


def _lint_custom_keys(owner: Any, actions: Sequence[Any], loc: tuple[Any, ...], report: Report) -> None:
    """The `cf:` keys of update actions must look like API names (cf_...)."""
    for action in actions:
        for path in action.sets if action.type == "update" else ():
            if (problem := custom_key_problem(path)) is not None:
                key = path.split(".", 1)[1]
                report(owner, loc + (action.index, "update", "cf", key), problem, severity="warning", at_key=True)


def _unknown_path(path: str) -> str:
    suggestion = suggest_path(path)
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return f"no ticket has the field {path!r}{hint}; custom fields are customFields.NAME or cf.NAME"


def _test_name(leaf: Leaf) -> str:
    """How a change test is named in a message: its operator, or `changed_by` (a test of its own, not of a field)."""
    return "changed_by" if leaf.path == "changed_by" else leaf.operator


def nullifying_leaves(rule: CompiledRule) -> list[Leaf]:
    """The top-level tests of `rule` that its own actions make false."""
    sets: dict[str, Any] = {}
    for action in rule.actions:
        sets.update(action.sets)
    return [
        leaf
        for leaf in rule.condition.leaves
        if leaf.top_level and leaf.path in sets and _made_false(leaf, sets[leaf.path])
    ]


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
            report(
                rule,
                ("rules", rule.position),
                f"rule {rule.id!r} never runs: rule {first.id!r} "
                f"({first.source}) has stop: true and no condition, so it stops every {kinds} event first",
                severity="warning",
            )
        model = rule.model
        if model.stop and model.if_ is None and model.enabled and not model.dry_run:
            for kind in rule.kinds:
                stoppers.setdefault(kind, rule)


def lint_policies(policies: Sequence[CompiledPolicy], report: Report) -> None:
    """Every SLA policy lint (see the module docstring); `report(policy, loc, message, ...)` as for rules."""
    catch_all: CompiledPolicy | None = None
    for policy in policies:
        loc = ("sla_policies", policy.position)
        if catch_all is not None and policy.enabled:
            report(
                policy,
                loc,
                f"policy {policy.id!r} never governs a ticket: policy {catch_all.id!r} "
                f"({catch_all.source}) has no condition and comes first",
                severity="warning",
            )
        if catch_all is None and policy.enabled and policy.model.if_ is None:
            catch_all = policy
        _lint_condition(policy, policy.condition, report)
        for metric in policy.metrics:
            metric_loc = loc + ("metrics", metric.name)
            for condition in metric.stop_conditions:
                _lint_condition(policy, condition, report)
            for index, (path, _) in enumerate(metric.start_fields):
                start = policy.model.metrics[metric.name].start
                where = metric_loc + (("start", index, "field") if isinstance(start, list) else ("start", "field"))
                _lint_path(policy, path, where, report)
            for index, level in enumerate(metric.levels):
                _lint_custom_keys(policy, level.actions, metric_loc + ("escalations", index, "then"), report)
            targets = [*metric.targets.values(), *([metric.default] if metric.default is not None else [])]
            shortest = min(targets, default=None)
            for level in metric.levels:
                if shortest is not None and shortest + level.offset < timedelta():
                    report(
                        policy,
                        metric_loc + ("escalations", level.number - 1, "at"),
                        f"level {level.number} at {format_duration(level.offset)} is before the clock starts "
                        f"for a {format_duration(shortest)} target: it is due at once",
                        severity="warning",
                    )


def _lint_condition(policy: CompiledPolicy, condition: CompiledCondition, report: Report) -> None:
    for leaf in condition.leaves:
        if leaf.family == "elapsed" and leaf.under_any:
            report(
                policy,
                leaf.loc + (leaf.operator,),
                f"time condition {leaf.operator} is not allowed inside any; put it at the top level or under all",
                at_key=True,
            )
        _lint_path(policy, leaf.path, leaf.loc + ("field",), report)
        if leaf.family == "change":
            report(
                policy,
                leaf.loc + (leaf.operator,),
                f"{_test_name(leaf)} never matches in an SLA policy: a sweep carries no change",
                severity="warning",
                at_key=True,
            )
