"""The SLA sweep: every interval, each mirrored ticket's clocks against its policy, from Redis only (no API call).

A level that has come due is recorded like a rule's plan (ledger, in order, deterministic ids), then marked fired
for its clock cycle, so it fires once; levels of a stopped clock are never due. The audit says how late each
escalation fired after its due time.

A policy put in place today does not escalate the history it finds: levels that fell due before the sweeper first
saw the policy are marked fired without acting (audited as `backlog`), so a first deployment does not send a
comment for every old ticket. After an outage the missed levels do fire: the policy was already in place.

A level that cannot be planned, or a ticket whose clocks raise, fails alone: audited (a level), counted in
`rule_errors_total{rule="sla:POLICY"}` and logged as `rule.failed`; the sweep goes on with the other levels and tickets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

import structlog

from worker.engine.directory import Directory
from worker.engine.ruleset import RuleSet
from worker.engine.sla.escalation import DueLevel, due_levels
from worker.engine.sla.timeline import Timeline
from worker.plan.ids import sla_level_event_id
from worker.plan.recorder import Origin, SendAction, record_plan, rule_failed
from worker.store import Store
from worker.store.replies import text

log = structlog.get_logger(__name__)
T = TypeVar("T")
BATCH = 500


@dataclass
class SlaSweepResult:
    tickets: int = 0
    without_timeline: int = 0
    escalations: list[tuple[str, str, float]] = field(default_factory=list)  # (ticket, level key, lateness s)


@dataclass
class SlaSweeper:
    store: Store
    rules: RuleSet
    directory_for: Callable[[str], Directory]
    send: SendAction
    heartbeat: Callable[[], None] = lambda: None  # called per batch: keeps the sweep's lease alive
    _since: dict[str, datetime] = field(default_factory=dict)

    def sweep(self, org_ids: list[str], now: datetime) -> SlaSweepResult:
        result = SlaSweepResult()
        for policy in self.rules.sla_policies:
            self._in_place_since(policy.id, now)  # a policy is in place from the first sweep that saw it
        for org_id in org_ids:
            directory = self.directory_for(org_id)
            for batch in _batches(self.store.mirror.scan(org_id), BATCH):
                self._sweep_batch(org_id, batch, directory, now, result)
                self.heartbeat()
        log.info(
            "sla.swept",
            tickets=result.tickets,
            escalations=len(result.escalations),
            without_timeline=result.without_timeline,
        )
        return result

    def _sweep_batch(
        self, org_id: str, batch: list[dict[str, Any]], directory: Directory, now: datetime, result: SlaSweepResult
    ) -> None:
        ids = [ticket["id"] for ticket in batch]
        timelines = self.store.timelines.get_many(org_id, ids)
        fired = self.store.timelines.fired_many(org_id, ids)
        for ticket in batch:
            result.tickets += 1
            if ticket["id"] not in timelines:
                result.without_timeline += 1
                continue
            try:
                levels = due_levels(
                    self.rules, ticket, Timeline.from_dict(timelines[ticket["id"]]), directory, now, fired[ticket["id"]]
                )
            except Exception as exc:  # noqa: BLE001 - one ticket's clocks must not stop the sweep of the others
                cause = f"{type(exc).__name__}: {exc}"
                self.store.audit.add("sla", org=org_id, ticket=ticket["id"], rule="sla", error=cause)
                rule_failed(self.store, "sla", ticket["id"], cause, org=org_id)
                continue
            for level in levels:
                self._escalate(org_id, ticket, level, now, result)

    def _in_place_since(self, policy: str, now: datetime) -> datetime:
        """When the sweeper first saw this policy (kept in Redis, shared by every worker)."""
        cached = self._since.get(policy)
        if cached is None:
            name = self.store.keys.key("sla", "since", policy)
            self.store.redis.set(name, now.isoformat(), nx=True)
            cached = self._since[policy] = datetime.fromisoformat(text(self.store.redis.get(name)))
        return cached

    def _escalate(
        self, org_id: str, ticket: dict[str, Any], level: DueLevel, now: datetime, result: SlaSweepResult
    ) -> None:
        """A level that cannot be planned (say, an unknown agent) is audited with its error and marked fired all
        the same: it would fail again at every sweep. So is a level of the history a new policy found."""
        backlog = level.due_at < self._in_place_since(level.policy, now)
        if not level.error and not backlog:
            version = level.actions[0].version if level.actions else ""
            origin = Origin(
                org_id,
                sla_level_event_id(org_id, ticket["id"], level.key()),
                version,
                ticket.get("departmentId"),
                now.isoformat(),
                priority="high",
            )
            record_plan(self.store, self.send, list(level.actions), origin)
        if not self.store.timelines.mark_fired(org_id, ticket["id"], level.key()):
            return
        if level.error and not backlog:
            rule_failed(self.store, f"sla:{level.policy}", ticket["id"], level.error, org=org_id, level=level.key())
        lateness = (now - level.due_at).total_seconds()
        if not backlog:
            result.escalations.append((ticket["id"], level.key(), lateness))
            self.store.metrics.incr("sla_escalations_total", level.policy, level.metric, str(level.level))
        self.store.audit.add(
            "sla",
            org=org_id,
            ticket=ticket["id"],
            rule=f"sla:{level.policy}",
            policy=level.policy,
            metric=level.metric,
            level=level.level,
            cycle=level.cycle,
            due_at=level.due_at.isoformat(),
            fired_at=now.isoformat(),
            lateness_s=round(lateness, 3),
            actions=0 if backlog else len(level.actions),
            error=level.error or None,
            dry_run=level.dry_run,
            backlog=backlog,
        )


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` a list of `size` at a time (itertools.batched, from Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
