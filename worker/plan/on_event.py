"""Evaluate one logged event against the rule set and record what fired (the DESIGN's step 3).

The event is finished only after the recorder wrote its consequences (see recorder.py for the order), so a crash
anywhere is repaired by evaluating it again: deterministic ids make the second run add nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import structlog

from worker.engine.directory import Directory
from worker.engine.evaluate import Event, evaluate
from worker.engine.ruleset import RuleSet
from worker.plan.recorder import ActNow, Recorder, SendAction
from worker.store import Store
from worker.store.keys import to_ms
from worker.store.records import EventRecord

log = structlog.get_logger(__name__)
FactsFor = Callable[[RuleSet, str, Mapping[str, Any], datetime, str], dict[str, Any]]  # rules, org, ticket, now, kind


def event_of(record: EventRecord) -> Event:
    """The engine's view of a logged event (a created ticket has no changes to test)."""
    changes = dict(record.changes) if record.kind != "ticket.created" else None
    return Event(record.kind, record.ticket_id, changes, record.by_deskpilot, record.id)


def evaluate_event(
    store: Store,
    rules: RuleSet,
    directory_for: Callable[[str], Directory],
    event_id: str,
    now: datetime,
    send: SendAction,
    facts_for: FactsFor | None = None,
    act_now: ActNow | None = None,
) -> list[str]:
    """Evaluate one logged event; returns the ids of the actions sent. Unknown or finished events are ignored.
    `facts_for(rules, org, ticket, now, kind)` fetches what the rules read beyond the ticket (plan/facts.py);
    `act_now`: the caller acts on the first action itself (recorder.py's ActNow)."""
    record = store.events.get_pending(event_id)
    if record is None:
        return []
    directory = directory_for(record.org)
    history = store.history.at(to_ms(now))  # the step's Redis time, read once by the caller
    ticket = record.ticket or {}
    facts = facts_for(rules, record.org, ticket, now, record.kind) if facts_for is not None else None
    evaluation = evaluate(
        rules, event_of(record), ticket, record.previous, directory, now, history=history, facts=facts
    )
    store.metrics.incr("events_total", record.kind)
    finish = store.redis.pipeline(transaction=False)  # the fire history, then the event finished: one round trip
    sent = Recorder(store, send, act_now=act_now).record(evaluation, rules, record.org, ticket, then=finish)
    store.events.finish_in(finish, event_id, record)
    finish.execute()
    log.info(
        "event.evaluated",
        event_id=event_id,
        kind=record.kind,
        ticket=record.ticket_id,
        fired=evaluation.fired_ids,
        actions=len(sent),
    )
    return sent
