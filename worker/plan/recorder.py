"""Record what an evaluation planned: audit entries, ledger actions (chained), fire history. Used by on-event
evaluation (on_event.py) and by the time-rule and SLA sweeps.

Order, so that a crash anywhere is repaired by running again: each planned action into the ledger (deterministic
ids from ids.py, so a second run adds nothing), then the audit entries and the fire history (loop cap, once); the
caller then finishes the event (on-event evaluation: the audit, the fire history and the finish are one pipelined
round trip). Actions that are new in the ledger are handed to `send`.

A rule that failed (its conditions, plan or a template raised) is that rule's alone: it is audited, counted in
`rule_errors_total{rule}` and logged as `rule.failed`; the other rules' actions are recorded and the event is
finished as usual (retrying it would fail the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from redis.client import Pipeline

from worker.engine.evaluate import Evaluation, Verdict
from worker.engine.planned import PlannedAction
from worker.engine.ruleset import RuleSet
from worker.plan.ids import action_id
from worker.store import Store
from worker.store.keys import to_ms
from worker.store.records import LedgerAction

log = structlog.get_logger(__name__)
AUDITED_STATUSES = frozenset({"fired", "not_matched", "skipped", "failed"})
SendAction = Callable[[str], object]  # an actor's send: what it returns is not used


def is_batched(planned: PlannedAction) -> bool:
    return planned.batchable and not planned.dry_run


@dataclass
class ActNow:
    """The worker recording a plan acts on its first action itself, at once: the recorder claims that action for
    `owner` with the record (one script) and keeps it in `claimed`, so the enforcer needs no claim and read."""

    owner: str
    lease_ms: int
    claimed: dict[str, LedgerAction] = field(default_factory=dict)


@dataclass
class Recorder:
    """Writes an evaluation's consequences: audit entries, ledger actions, fire history."""

    store: Store
    send: SendAction
    failures: list[tuple[str, str, str]] | None = None  # (rule, ticket, cause) to collect instead of logging each
    act_now: ActNow | None = None  # the first plan's first action is claimed for this worker (see ActNow)

    def record(
        self,
        evaluation: Evaluation,
        rules: RuleSet,
        org_id: str,
        ticket: dict[str, Any],
        *,
        batched: bool = False,
        then: Pipeline | None = None,
    ) -> list[str]:
        """`batched`: a sweep sends batchable live updates as updateMany itself, so they are left out here.
        `then`: the caller's pipeline the audit entries and fire history are queued on (it executes it, with what
        it writes next); without one they are written here."""
        sent: list[str] = []
        pipe = then if then is not None else self.store.redis.pipeline(transaction=False)
        for verdict in evaluation.verdicts:
            if verdict.status == "failed":
                self._failed(
                    verdict.rule, evaluation.ticket_id, verdict.reason.removeprefix("failed: "), evaluation.event.id
                )
            if verdict.fired:
                self.store.metrics.incr("rule_matches_total", verdict.rule)
                sent += self._record_actions(evaluation, verdict, org_id, ticket, batched)
            if verdict.status in AUDITED_STATUSES:  # queued: written after the ledger, with the fire history
                self.store.audit.queue(pipe, "evaluation", audit_entry(evaluation, verdict, rules, org_id))
        history = self.store.history.at(to_ms(evaluation.now))  # the evaluation's Redis time: no TIME per fire
        for verdict in evaluation.fired:
            history.record_fire_in(
                pipe, verdict.rule, evaluation.ticket_id, evaluation.event.id, verdict.once, verdict.anchor
            )
        if then is None:
            pipe.execute()
        return sent

    def _failed(self, rule: str, ticket: str, cause: str, event_id: str) -> None:
        if self.failures is not None:
            self.failures.append((rule, ticket, cause))
            self.store.metrics.incr("rule_errors_total", rule)
        else:
            rule_failed(self.store, rule, ticket, cause, event_id=event_id)

    def _record_actions(
        self, evaluation: Evaluation, verdict, org_id: str, ticket: dict[str, Any], batched: bool
    ) -> list[str]:
        planned = [action for action in verdict.actions if not (batched and is_batched(action))]
        origin = Origin(
            org_id, evaluation.event.id, verdict.version, ticket.get("departmentId"), evaluation.now.isoformat()
        )
        return record_plan(self.store, self.send, planned, origin, self.act_now)


def audit_entry(evaluation: Evaluation, verdict: Verdict, rules: RuleSet, org_id: str) -> dict[str, Any]:
    """A rule's verdict on an event, as the audit trail keeps it."""
    return {
        "event": evaluation.event.id,
        "event_kind": evaluation.event.kind,
        "org": org_id,
        "ticket": evaluation.ticket_id,
        "rule": verdict.rule,
        "version": verdict.version,
        "ruleset": rules.version,
        "verdict": verdict.as_dict(),
    }


def rule_failed(store: Store, rule: str, ticket: str, cause: str, **context: Any) -> None:
    """Count and log one rule's failure on one ticket (its audit entry is written with the evaluation)."""
    store.metrics.incr("rule_errors_total", rule)
    log.warning("rule.failed", rule=rule, ticket=ticket, cause=cause, **context)


@dataclass(frozen=True)
class Origin:
    """Where a plan came from, written with each of its actions."""

    org_id: str
    event_id: str
    version: str
    ticket_department: str | None
    planned_at: str
    priority: str | None = None  # "high" for SLA escalations: their Desk calls may spend the credits' reserve


def record_plan(
    store: Store, send: SendAction, planned: list[PlannedAction], origin: Origin, act_now: ActNow | None = None
) -> list[str]:
    """Write a plan's actions to the ledger, chained: each knows the one before (`after`) and after (`next`).

    Only the first is sent now; each sends its successor when it is finished (actions/enforcer.py), so a rule's
    actions run in the order written. Ids are deterministic, so recording a plan twice adds nothing. `act_now`:
    the first action of the first plan recorded with it is claimed for that worker (see ActNow).
    """
    ids = [action_id(action, origin.event_id) for action in planned]
    new_first = False
    for position, action in enumerate(planned):
        after = ids[position - 1] if position else None
        next_ = ids[position + 1] if position + 1 < len(ids) else None
        entry = ledger_action(action, origin, after, next_)
        if position == 0 and act_now is not None and not act_now.claimed:
            new_first, claimed = store.ledger.record_and_claim(ids[0], entry, act_now.owner, act_now.lease_ms)
            if claimed:
                act_now.claimed[ids[0]] = entry
            continue
        is_new = store.ledger.record(ids[position], entry)
        new_first = new_first or (position == 0 and is_new)
    if new_first:
        send(ids[0])
        return ids[:1]
    return []


def ledger_action(planned: PlannedAction, origin: Origin, after: str | None, next_: str | None) -> LedgerAction:
    """A planned action as the ledger records it: the plan's action, its origin and its place in the chain."""
    return LedgerAction(
        rule=planned.rule,
        type=planned.type,
        params=planned.as_dict()[planned.type],
        ticket=planned.ticket,
        org=origin.org_id,
        event=origin.event_id,
        version=origin.version,
        index=planned.index,
        batchable=planned.batchable,
        dry_run=planned.dry_run,
        pending=planned.pending,
        continue_on_failure=planned.continue_on_failure,
        ticket_department=origin.ticket_department,
        planned_at=origin.planned_at,
        priority=origin.priority,
        after=after,
        next=next_,
    )
