"""Match one event against the rule set: a verdict for every rule and, for those that fire, their plans.

`evaluate(rules, event, ticket, previous, directory, now, *, history=None, only=None, facts=None)` is pure: all
it needs is passed in (`facts`: the contact, account and SLA state facts.py names, fetched by the caller). For
each rule, in evaluation order, the verdict's status is one of

    not_triggered  the rule does not listen to this event kind (or, with `only`, is not due in this sweep)
    disabled       enabled: false
    skipped        stopped by an earlier rule's stop: true; a change made by deskpilot (retrigger false);
                   already fired once (once); loop cap reached (max_fires_per_ticket_per_hour)
    not_matched    a condition failed: `failure` names the first failing test (path, operator, expected, actual)
    failed         the rule's conditions raised, or it matched but could not be planned (an unknown agent, a
                   template error, anything its plan raised): that rule alone; every other rule goes on as usual
    fired          the rule matched; `actions` is its plan (dry_run rules fire too, with dry_run actions)

Choices: the loop cap and `once` are checked after the conditions, so a skip says the rule would have fired.
A dry_run rule's `stop` does not stop later rules (shadow mode must not change what happens live). A failed rule
does not stop later rules. `directory=None` means "not known": names stay unresolved (see planner.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, NamedTuple, Protocol, TypedDict, cast

from worker.engine.conditions import EvalContext, Failure
from worker.engine.directory import Directory
from worker.engine.effects import effect, mentions_pending
from worker.engine.errors import PlanError
from worker.engine.facts import needs, view
from worker.engine.planned import PlannedAction
from worker.engine.planner import PlanContext
from worker.engine.ruleset import CompiledRule, RuleSet
from worker.engine.schema import EVENT_KINDS, SCHEDULE, OncePerAnchor
from worker.engine.templates import variables
from worker.engine.values import parse_time

UTC = timezone.utc
_EMPTY_DIRECTORY = Directory()
_new_tuple = tuple.__new__


@dataclass(frozen=True, slots=True)
class Event:
    """What happened: `changes` is {field path: (old, new)}; None means "derive them from previous"."""

    kind: str
    ticket_id: str = ""
    changes: Mapping[str, Any] | None = None
    by_deskpilot: bool = False
    id: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS and self.kind != SCHEDULE:
            raise ValueError(f"unknown event kind {self.kind!r}; expected one of {', '.join(EVENT_KINDS)}, schedule")


class History(Protocol):
    """What the pipeline remembers (in Redis) and evaluate must not fetch."""

    def fires_last_hour(self, rule_id: str, ticket_id: str) -> int: ...

    def fired_once(self, rule_id: str, ticket_id: str, anchor: str | None) -> bool: ...


@dataclass
class MemoryHistory:
    """A History in memory (tests, rule test cases, the bench); `record` adds an evaluation's fires."""

    fires: dict[tuple[str, str], int] = field(default_factory=dict)
    once: set[tuple[str, str, str | None]] = field(default_factory=set)

    def fires_last_hour(self, rule_id: str, ticket_id: str) -> int:
        return self.fires.get((rule_id, ticket_id), 0)

    def fired_once(self, rule_id: str, ticket_id: str, anchor: str | None) -> bool:
        return (rule_id, ticket_id, anchor) in self.once

    def record(self, evaluation: Evaluation) -> None:
        for verdict in evaluation.fired:
            key = (verdict.rule, evaluation.ticket_id)
            self.fires[key] = self.fires.get(key, 0) + 1
            if verdict.once is not None:
                self.once.add((verdict.rule, evaluation.ticket_id, verdict.anchor))


NO_HISTORY = MemoryHistory()  # what evaluate() uses without a history: nothing fired before (never record into it)


class Verdict(NamedTuple):
    """One rule's outcome; `reason` is the note, or for not_matched the failing condition (built on demand).

    A NamedTuple because one is built for every rule on every event: it must be cheap.
    """

    rule: str
    status: str
    note: str = ""
    failure: Failure | None = None
    actions: tuple[PlannedAction, ...] = ()
    matched: bool = False
    dry_run: bool = False
    version: str = ""
    once: str | None = None  # per_ticket | per_anchor, for the pipeline to record a fire
    anchor: str | None = None  # the anchor field's value (per_anchor)

    @property
    def fired(self) -> bool:
        return self.status == "fired"

    @property
    def reason(self) -> str:
        if self.failure is not None and not self.note:
            return self.failure.describe()
        return self.note

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "version": self.version,
            "status": self.status,
            "matched": self.matched,
            "reason": self.reason,
            "dry_run": self.dry_run,
            "failure": self.failure.as_dict() if self.failure else None,
            "actions": [action.as_dict() for action in self.actions],
        }
        if self.once is not None:
            data["once"] = {"mode": self.once, "anchor": self.anchor}
        return data


@dataclass(slots=True)
class Evaluation:
    """The verdicts of every rule, in evaluation order, for one event on one ticket at `now`."""

    event: Event
    ticket_id: str
    now: datetime
    verdicts: tuple[Verdict, ...]

    @property
    def fired(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.status == "fired"]

    @property
    def fired_ids(self) -> list[str]:
        return [verdict.rule for verdict in self.fired]

    @property
    def actions(self) -> list[PlannedAction]:
        return [action for verdict in self.fired for action in verdict.actions]

    def verdict(self, rule_id: str) -> Verdict | None:
        return next((verdict for verdict in self.verdicts if verdict.rule == rule_id), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": {"kind": self.event.kind, "id": self.event.id, "ticket_id": self.ticket_id},
            "now": self.now.isoformat(),
            "verdicts": [verdict.as_dict() for verdict in self.verdicts],
        }


def evaluate(
    rules: RuleSet,
    event: Event | str,
    ticket: Mapping[str, Any],
    previous: Mapping[str, Any] | None = None,
    directory: Directory | Mapping[str, Any] | None = None,
    now: datetime | str | None = None,
    *,
    history: History | None = None,
    only: Collection[str] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Evaluation:
    """Verdicts for every rule of `rules` on this event (see the module docstring).

    `event` may be a kind string; `now` defaults to the current UTC time; `history` defaults to an empty one;
    `only` restricts evaluation to these rule ids (a sweep passes the time rules due at this tick); `facts` are
    the fields fetched beyond the ticket (contact, account, sla: facts.py), laid over it for conditions and plans.
    """
    event = event if isinstance(event, Event) else Event(str(event), str(ticket.get("id") or ""))
    wanted = needs(rules, event.kind)
    if facts or wanted.text:
        ticket = view(ticket, facts, wanted)
        previous = None if previous is None else view(previous, None, wanted)
    moment = _as_now(now)
    ticket_id = event.ticket_id or str(ticket.get("id") or "")
    run = _Run(event, ticket, previous, Directory.from_data(directory), moment, ticket_id, history or NO_HISTORY)
    ctx = EvalContext(ticket, previous, event.changes, event.kind, moment)
    template, live = _steps(rules, event.kind)
    verdicts: list[Verdict | None] = list(template)  # verdicts known without the ticket, holes for the live rules
    stopped_by: str | None = None
    by_deskpilot = event.by_deskpilot
    for index, rule in live:  # the hot loop: keep it flat
        if only is not None and rule.id not in only:
            verdicts[index] = Verdict(rule.id, "not_triggered", "not due in this sweep", version=rule.version)
        elif stopped_by is not None:
            verdicts[index] = Verdict(
                rule.id, "skipped", f"skipped: stopped by rule {stopped_by!r}", version=rule.version
            )
        elif by_deskpilot and not rule.retrigger:
            verdicts[index] = Verdict(
                rule.id, "skipped", "skipped: change made by deskpilot (retrigger false)", version=rule.version
            )
        else:
            try:
                failure = rule.check(ctx)
            except Exception as exc:  # noqa: BLE001 - one rule's fault is that rule's alone
                verdicts[index] = Verdict(
                    rule.id, "failed", f"failed: conditions raised {_cause(exc)}", version=rule.version
                )
                continue
            if failure is not None:
                verdicts[index] = _new_tuple(
                    Verdict, (rule.id, "not_matched", "", failure, (), False, False, rule.version, None, None)
                )
                continue
            verdict = verdicts[index] = _fire(rule, run)
            if verdict.status == "fired" and rule.stops:
                stopped_by = rule.id
    return Evaluation(event, ticket_id, moment, cast("tuple[Verdict, ...]", tuple(verdicts)))  # holes all filled


def _steps(rules: RuleSet, kind: str) -> tuple[tuple[Verdict | None, ...], tuple[tuple[int, CompiledRule], ...]]:
    """(the verdicts known without looking at the ticket, in rule order, None where a rule must be evaluated;
    the (position, rule) pairs to evaluate). Computed once per rule set and event kind (kept in `rules.memo`)."""
    key = ("steps", kind)
    steps = rules.memo.get(key)
    if steps is None:
        template = tuple(_static_verdict(rule, kind) for rule in rules.rules)
        live = tuple((index, rule) for index, rule in enumerate(rules.rules) if template[index] is None)
        steps = rules.memo[key] = (template, live)
    return steps


def _static_verdict(rule: CompiledRule, kind: str) -> Verdict | None:
    if kind not in rule.kinds:
        return Verdict(
            rule.id, "not_triggered", f"listens to {', '.join(sorted(rule.kinds))}, not {kind}", version=rule.version
        )
    if not rule.model.enabled:
        return Verdict(rule.id, "disabled", "disabled", version=rule.version)
    return None


@dataclass(slots=True)
class _Run:
    event: Event
    ticket: Mapping[str, Any]
    previous: Mapping[str, Any] | None
    directory: Directory | None
    now: datetime
    ticket_id: str
    history: History


def _as_now(now: datetime | str | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    moment = parse_time(now)
    if moment is None:
        raise ValueError(f"now: expected an ISO time like 2026-11-28T10:00:00Z, got {now!r}")
    return moment


def _fire(rule: CompiledRule, run: _Run) -> Verdict:
    model, once = rule.model, rule.once
    base: _FiredFields = {
        "matched": True,
        "dry_run": model.dry_run,
        "version": rule.version,
        "once": once,
        "anchor": None,
    }
    try:
        base["anchor"] = anchor = _anchor(rule, run.ticket) if once == "per_anchor" else None
    except Exception as exc:  # noqa: BLE001
        return Verdict(rule.id, "failed", f"failed: the once anchor raised {_cause(exc)}", **base)
    if once is not None and run.history.fired_once(rule.id, run.ticket_id, anchor):
        detail = f" for {model.once.per_anchor}={anchor!r}" if isinstance(model.once, OncePerAnchor) else ""
        return Verdict(rule.id, "skipped", f"skipped: already fired once{detail}", **base)
    fires = run.history.fires_last_hour(rule.id, run.ticket_id)
    if fires >= model.max_fires_per_ticket_per_hour:
        return Verdict(
            rule.id,
            "skipped",
            f"skipped: loop cap reached ({fires} fires on this ticket in the last "
            f"hour; max_fires_per_ticket_per_hour is {model.max_fires_per_ticket_per_hour})",
            **base,
        )
    try:  # after the history look-ups: a store that fails must fail the event (it is retried), not the rule
        actions = plan_rule(rule, run)
    except PlanError as exc:
        return Verdict(rule.id, "failed", f"failed: {exc}", **base)
    except Exception as exc:  # noqa: BLE001 - a bug or an unforeseen value in this rule's plan
        return Verdict(rule.id, "failed", f"failed: planning raised {_cause(exc)}", **base)
    reason = "fired (dry run: planned, not executed)" if model.dry_run else "fired"
    return Verdict(rule.id, "fired", reason, actions=actions, **base)


class _FiredFields(TypedDict):
    """The Verdict fields every outcome of a matched rule carries (_fire)."""

    matched: bool
    dry_run: bool
    version: str
    once: str | None
    anchor: str | None


def _cause(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _anchor(rule: CompiledRule, ticket: Mapping[str, Any]) -> str:
    value = rule.anchor(ticket) if rule.anchor else None
    return "" if value is None else str(value)


def plan_rule(rule: CompiledRule, run: _Run) -> tuple[PlannedAction, ...]:
    """The rule's actions, resolved and rendered for this ticket, each seeing the earlier ones' effects (see
    effects.py); raises PlanError."""
    directory = run.directory or _EMPTY_DIRECTORY

    def make_variables(view: Mapping[str, Any]) -> dict[str, Any]:
        event = {
            "kind": run.event.kind,
            "id": run.event.id,
            "ticket_id": run.ticket_id,
            "changes": dict(run.event.changes or {}),
        }
        return variables(
            view, run.previous, event, {"id": rule.id, "name": rule.model.name}, run.now, directory.mention
        )

    ctx = PlanContext(run.ticket, run.now, run.directory, make_variables)
    time_rule, dry_run, effects_matter = rule.is_time_rule, rule.model.dry_run, rule.effects_matter
    planned, pending = [], False
    for position, action in enumerate(rule.actions):
        params = action.plan(ctx)
        marks = ("assignee",) if pending and mentions_pending(params) else ()
        planned.append(
            PlannedAction(
                rule.id,
                action.index,
                action.type,
                params,
                run.ticket_id,
                time_rule and action.type == "update" and action.constant,
                dry_run,
                rule.version,
                marks,
                rule.model.on_action_failure == "continue",
            )
        )
        if effects_matter[position]:
            changes = effect(action.type, params, ctx.view, run.directory)
            if changes:
                ctx.apply(changes)
                pending = pending or (action.type == "assign" and "strategy" in params)
    return tuple(planned)
