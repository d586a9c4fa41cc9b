"""Notify targets across rule files: read from each file's `notify_targets:`, names unique across files, bound
to the notify actions of rules and SLA levels, and what a deployment must provide for the loaded rules (the
environment variables targets name, SMTP settings when an email action is loaded), for the checks at start."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from worker.engine.errors import Problem
from worker.engine.plan_outbound import CompiledNotify
from worker.engine.planner import CompiledAction
from worker.engine.schema_outbound import NotifyTarget, check_target_name
from worker.engine.validation import validate
from worker.engine.yamlsource import Locator

if TYPE_CHECKING:
    from worker.engine.ruleset import CompiledRule, RuleSet
    from worker.engine.sla.policy import CompiledPolicy

Report = Callable[..., None]


@dataclass(frozen=True)
class DeclaredTarget:
    name: str
    spec: NotifyTarget
    where: str  # file:line:col of its declaration


@dataclass
class Needs:
    """What the loaded rules need from the environment: variable name -> where it is named, and where email
    actions are (they need the DESKPILOT_SMTP_* settings)."""

    env: dict[str, str] = field(default_factory=dict)
    email_at: list[str] = field(default_factory=list)


def read_targets(raw: Mapping[str, Any], locator: Locator, problems: list[Problem]) -> dict[str, NotifyTarget]:
    """One file's valid targets; each problem is reported at its node."""
    targets: dict[str, NotifyTarget] = {}
    for name, item in raw.items():
        reason = check_target_name(str(name))
        if reason is not None:
            problems.append(locator.problem(("notify_targets", name), reason, at_key=True))
            continue
        spec, found = validate(NotifyTarget, item, locator, ("notify_targets", name))
        problems.extend(found)
        if spec is not None:
            targets[str(name)] = spec
    return targets


def merge_targets(
    per_file: Iterable[tuple[Locator, Mapping[str, NotifyTarget]]], problems: list[Problem]
) -> dict[str, DeclaredTarget]:
    """Every file's targets by name; a name declared twice is an error at the second declaration."""
    merged: dict[str, DeclaredTarget] = {}
    for locator, targets in per_file:
        for name, spec in targets.items():
            line, col = locator.position(("notify_targets", name), at_key=True)
            if name in merged:
                problems.append(
                    Problem(
                        locator.file, line, col, f"notify target {name!r} is already declared at {merged[name].where}"
                    )
                )
                continue
            merged[name] = DeclaredTarget(name, spec, f"{locator.file}:{line}:{col}")
    return merged


def _actions(
    rules: Iterable[CompiledRule], policies: Iterable[CompiledPolicy]
) -> Iterator[tuple[str, str, CompiledAction]]:
    """(file, file:line of its rule or policy, action) of every rule's and SLA level's actions."""
    for rule in rules:
        for action in rule.actions:
            yield rule.file, rule.source, action
    for policy in policies:
        for metric in policy.metrics:
            for level in metric.levels:
                for action in level.actions:
                    yield policy.file, f"{policy.file}:{policy.line}", action


def bind_targets(
    rules: Iterable[CompiledRule],
    policies: Iterable[CompiledPolicy],
    targets: Mapping[str, DeclaredTarget],
    report_in: Callable[[str], Report],
) -> None:
    """Give each notify action its target's declaration; report an unknown name, or fields for a Slack target."""
    known = ", ".join(sorted(targets)) or "none declared (add notify_targets: to a rule file)"
    for file, _, action in _actions(rules, policies):
        if not isinstance(action, CompiledNotify):
            continue
        report = report_in(file)
        declared = targets.get(action.target_name)
        if declared is None:
            report(action.loc + ("target",), f"unknown notify target {action.target_name!r}; expected one of: {known}")
        elif action.fields and declared.spec.format != "json":
            report(action.loc + ("fields",), f"fields go to json targets; {declared.name!r} is {declared.spec.format}")
        else:
            action.target = declared.spec


def needs(rules: RuleSet) -> Needs:
    """The environment variables the targets of live actions name, and where live email actions are (a dry-run
    or disabled rule's actions are never sent, so they need nothing)."""
    found = Needs()
    used = set()
    live = [rule for rule in rules.rules if rule.model.enabled and not rule.model.dry_run]  # the others never send
    for _, where, action in _actions(live, rules.sla_policies):
        if isinstance(action, CompiledNotify):
            used.add(action.target_name)
        elif action.type == "email" and where not in found.email_at:
            found.email_at.append(where)
    for name in sorted(used & set(rules.notify_targets)):
        declared = rules.notify_targets[name]
        for variable in (declared.spec.url_env, declared.spec.secret_env):
            if variable:
                found.env.setdefault(variable, f"notify target {name!r} ({declared.where})")
    return found
