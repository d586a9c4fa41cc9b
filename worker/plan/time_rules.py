"""A time rule's sweep at one tick: evaluate it over the mirror (no API call), then record its actions.

The same batchable `update` on many tickets becomes `/tickets/updateMany` calls (one per field and chunk of ids);
other actions go to the ledger one by one. Every id is derived from (rule, tick, ticket), so a retried sweep
records nothing twice. A rule that fails on a ticket is audited and counted per ticket, and logged once per sweep
and org (`rule.failed` with the first ticket, its cause and how many tickets failed), not once per ticket.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog

from worker.engine.directory import Directory
from worker.engine.evaluate import Event, evaluate
from worker.engine.ruleset import RuleSet
from worker.engine.schema import SCHEDULE
from worker.plan.activity_view import sweep_activity, with_activity
from worker.plan.ids import bulk_id, sweep_event_id, sweep_origin
from worker.plan.on_event import FactsFor
from worker.plan.recorder import Recorder, SendAction, is_batched
from worker.store import Store
from worker.store.records import LedgerAction

log = structlog.get_logger(__name__)
MAX_IDS = 100  # ids per updateMany call, as the Desk's mass actions take


@dataclass
class SweepResult:
    rule: str
    tick: datetime
    tickets: int = 0
    fired: int = 0
    actions: list[str] = field(default_factory=list)


@dataclass
class TimeRuleSweeper:
    store: Store
    rules: RuleSet
    directory_for: Callable[[str], Directory]
    send: SendAction
    facts_for: FactsFor | None = None  # what the rules read beyond the ticket (plan/facts.py)

    def sweep(self, rule_id: str, tick: datetime, org_ids: list[str]) -> SweepResult:
        result = SweepResult(rule_id, tick)
        rule = self.rules.get(rule_id)
        if rule is None or not rule.model.enabled:
            return result
        for org_id in org_ids:
            self._sweep_org(rule_id, tick, org_id, result)
        log.info(
            "sweep.done",
            rule=rule_id,
            tick=tick.isoformat(),
            tickets=result.tickets,
            fired=result.fired,
            actions=len(result.actions),
        )
        return result

    def _sweep_org(self, rule_id: str, tick: datetime, org_id: str, result: SweepResult) -> None:
        directory = self.directory_for(org_id)
        recorder = Recorder(self.store, self.send, failures=[])
        groups: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
        activities = sweep_activity(self.store, self.rules, rule_id, org_id)
        for mirrored in self.store.mirror.scan(org_id):
            ticket = with_activity(mirrored, activities)
            result.tickets += 1
            event = Event("schedule", ticket["id"], None, False, sweep_event_id(rule_id, tick, org_id, ticket["id"]))
            facts = self.facts_for(self.rules, org_id, ticket, tick, SCHEDULE) if self.facts_for is not None else None
            evaluation = evaluate(
                self.rules,
                event,
                ticket,
                None,
                directory,
                tick,
                history=self.store.history,
                only={rule_id},
                facts=facts,
            )
            if not evaluation.fired:
                if any(verdict.status == "failed" for verdict in evaluation.verdicts):
                    recorder.record(evaluation, self.rules, org_id, ticket, batched=True)  # audited and counted
                continue
            result.fired += 1
            for verdict in evaluation.fired:
                for planned in verdict.actions:
                    if is_batched(planned):
                        for name, value in _fields(planned.params):
                            groups[(name[0], json.dumps(value), name[1])].append(ticket["id"])
            result.actions += recorder.record(evaluation, self.rules, org_id, ticket, batched=True)
        if recorder.failures:
            rule, ticket_id, cause = recorder.failures[0]
            log.warning(
                "rule.failed",
                rule=rule,
                ticket=ticket_id,
                cause=cause,
                tickets=len(recorder.failures),
                org=org_id,
                tick=tick.isoformat(),
            )
        for (field_name, value_json, is_custom), ids in groups.items():
            for start in range(0, len(ids), MAX_IDS):
                result.actions += self._record_bulk(
                    rule_id, tick, org_id, field_name, json.loads(value_json), is_custom, ids[start : start + MAX_IDS]
                )

    def _record_bulk(
        self, rule_id: str, tick: datetime, org_id: str, field_name: str, value: Any, is_custom: bool, ids: list[str]
    ) -> list[str]:
        new_id = bulk_id(rule_id, tick, org_id, field_name, value, ids)
        rule = self.rules.get(rule_id)
        action = LedgerAction(
            rule=rule_id,
            type="update_many",
            ticket=",".join(ids),
            org=org_id,
            event=sweep_origin(rule_id, tick),
            version=rule.version if rule else "",
            index=0,
            batchable=True,
            dry_run=False,
            params={"ids": ids, "fieldName": field_name, "fieldValue": value, "isCustomField": is_custom},
            ticket_department=None,
            planned_at=tick.isoformat(),
            after=None,
            next=None,  # one call, no chain
        )
        if self.store.ledger.record(new_id, action):
            self.send(new_id)
            return [new_id]
        return []


def _fields(params: Any) -> list[tuple[tuple[str, bool], Any]]:
    """((field name, is custom), value) for each field an update sets."""
    pairs = [((name, False), value) for name, value in params.items() if name != "customFields"]
    pairs += [((name, True), value) for name, value in (params.get("customFields") or {}).items()]
    return pairs
