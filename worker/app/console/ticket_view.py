"""One ticket's timeline: its events, every rule's verdict (with the first failing condition), every action with
its outcome and the Desk's answer, and its SLA clocks with the next levels.

Reads only this ticket's audit entries (their ids come from the digest's per-ticket index), its events and ledger
actions, its snapshot and timeline: a handful of pipelined round trips, whatever the size of the audit stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from worker.app.console.context import ConsoleContext
from worker.app.console.tailer import parse_entry
from worker.engine.sla import explain, forecast
from worker.engine.sla.timeline import Timeline
from worker.store.audit import entry_time
from worker.store.keys import server_now
from worker.store.records import EventRecord
from worker.store.replies import stream_entries

NEXT_LEVELS_WITHIN = timedelta(days=7)


@dataclass
class EventGroup:
    event_id: str
    kind: str = ""
    at: str = ""
    modified_time: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TicketView:
    query: str
    org_id: str | None = None
    ticket_id: str | None = None
    ticket: dict[str, Any] | None = None
    groups: list[EventGroup] = field(default_factory=list)
    sla_levels: list[dict[str, Any]] = field(default_factory=list)
    sla_text: str | None = None
    next_levels: list[dict[str, Any]] = field(default_factory=list)


def resolve(ctx: ConsoleContext, query: str) -> tuple[str | None, str | None]:
    """(org, ticket id) for a ticket id or a number ("1042" or "#1042"); (None, id) for an id only the audit knows."""
    text = query.strip().lstrip("#")
    if not text:
        return None, None
    pipe = ctx.store.redis.pipeline(transaction=False)
    for org_id in ctx.org_ids:
        pipe.hexists(ctx.store.keys.key("mirror", org_id), text)
    for org_id, known in zip(ctx.org_ids, pipe.execute(), strict=True):
        if known:
            return org_id, text
    by_number = ctx.snapshots.current.numbers.get(text)
    if by_number is not None:
        return by_number
    if ctx.digest.ticket_entries(text):
        return None, text
    ctx.snapshots.refresh_soon()
    return None, None


def ticket_view(ctx: ConsoleContext, query: str) -> TicketView:
    view = TicketView(query)
    view.org_id, view.ticket_id = resolve(ctx, query)
    if view.ticket_id is None:
        return view
    entries = _entries(ctx, ctx.digest.ticket_entries(view.ticket_id))
    view.groups = _groups(ctx, entries)
    view.sla_levels = [entry for entry in entries if entry["entry"] == "sla"]
    if view.org_id is None:
        view.org_id = next((str(entry["org"]) for entry in entries if entry.get("org")), None)
    if view.org_id is not None:
        view.ticket = ctx.store.mirror.get(view.org_id, view.ticket_id)
        _sla(ctx, view)
    return view


def _entries(ctx: ConsoleContext, ids: list[str]) -> list[dict[str, Any]]:
    pipe = ctx.store.redis.pipeline(transaction=False)
    key = ctx.store.keys.key("audit")
    for entry_id in ids:
        pipe.xrange(key, min=entry_id, max=entry_id, count=1)
    found = []
    for reply in pipe.execute():
        for entry_id, fields in stream_entries(reply):
            found.append(
                {"id": entry_id, "at": entry_time(entry_id).strftime("%Y-%m-%d %H:%M:%S"), **parse_entry(fields)}
            )
    return found


def _groups(ctx: ConsoleContext, entries: list[dict[str, Any]]) -> list[EventGroup]:
    """Entries by event, in the order events were first seen; actions join the event that planned them."""
    groups: dict[str, EventGroup] = {}
    for entry in entries:
        if entry["entry"] not in ("evaluation", "action"):
            continue
        event_id = str(entry.get("event") or "")
        group = groups.setdefault(event_id, EventGroup(event_id, str(entry.get("event_kind") or ""), entry["at"]))
        if entry["entry"] == "evaluation":
            group.kind = group.kind or str(entry.get("event_kind") or "")
            verdict = entry.get("verdict") or {}
            group.verdicts.append(
                {
                    "rule": entry.get("rule"),
                    "status": verdict.get("status"),
                    "reason": verdict.get("reason") or "",
                    "dry_run": verdict.get("dry_run"),
                    "planned": [action.get("type") for action in verdict.get("actions") or []],
                }
            )
        else:
            group.actions.append(_action(entry))
    _events(ctx, list(groups.values()))
    return list(groups.values())


def _action(entry: dict[str, Any]) -> dict[str, Any]:
    params = entry.get("params")
    return {
        "id": entry.get("action"),
        "rule": entry.get("rule"),
        "type": entry.get("type"),
        "outcome": entry.get("outcome"),
        "detail": entry.get("detail") or "",
        "params": json.dumps(params, default=str)[:300] if params else "",
        "at": entry["at"],
    }


def _events(ctx: ConsoleContext, groups: list[EventGroup]) -> None:
    """Each group's event as the log keeps it (24 h after evaluation): its change and modifiedTime."""
    pipe = ctx.store.redis.pipeline(transaction=False)
    for group in groups:
        pipe.get(ctx.store.keys.key("event", group.event_id))
    for group, raw in zip(groups, pipe.execute(), strict=True):
        if raw:
            event = EventRecord.decode(raw)
            group.kind = group.kind or event.kind
            group.modified_time = event.modified_time
            group.changes = {name: list(pair) for name, pair in event.changes.items()}


def _sla(ctx: ConsoleContext, view: TicketView) -> None:
    if view.ticket is None or view.org_id is None or view.ticket_id is None:
        return
    raw = ctx.store.timelines.get_many(view.org_id, [view.ticket_id]).get(view.ticket_id)
    if raw is None:
        view.sla_text = "Its history has not been read yet (the poller reads it within a few polls)."
        return
    try:
        timeline = Timeline.from_dict(raw)
    except ValueError as exc:
        view.sla_text = f"Its SLA timeline in Redis is unreadable ({exc}); the poller rewrites it at the next change."
        return
    rules = ctx.rules()
    now = server_now(ctx.store.redis)
    fired = ctx.store.timelines.fired(view.org_id, view.ticket_id)
    view.sla_text = explain(rules, view.ticket, timeline, now, fired)
    rows = forecast(rules, [(view.ticket, timeline)], now, NEXT_LEVELS_WITHIN)
    view.next_levels = [{**row.as_dict(), "due": f"{row.due_at:%Y-%m-%d %H:%M}"} for row in rows]
