"""The data of the rules page, the SLA board, the dead letters and the live feed (the overview and the ticket
view have their own modules)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from worker.app.console.context import ConsoleContext
from worker.app.console.digest import RuleFigures, entry_ms
from worker.app.console.tailer import parse_entry
from worker.engine.durations import format_duration
from worker.engine.sla.clocks import ZERO
from worker.recovery.redrive import redrive
from worker.store.keys import server_ms
from worker.store.replies import stream_entries, texts

DEAD_LETTERS_SHOWN = 200
FEED_BACKLOG = 300  # recent audit entries looked at for the feed's first rows
FEED_ROWS = 30


def when(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def rules_page(ctx: ConsoleContext) -> dict[str, Any]:
    rules = ctx.rules()
    figures = ctx.digest.rule_figures(server_ms(ctx.store.redis))
    rows = []
    for rule in rules.rules:
        model = rule.model
        kinds = "schedule" if rule.is_time_rule else ", ".join(sorted(rule.kinds))
        rows.append(_row(rule.id, model.name or "", f"{rule.file}:{rule.line}", kinds, model, figures.get(rule.id)))
    for policy in rules.sla_policies:
        key = f"sla:{policy.id}"
        rows.append(
            _row(
                key,
                policy.model.name or "",
                f"{policy.file}:{policy.line}",
                "SLA policy",
                policy.model,
                figures.get(key),
            )
        )
    refusal = ctx.refusal()
    return {"version": rules.version, "rows": rows, "refusal": refusal}


def _row(rule_id: str, name: str, place: str, kinds: str, model: Any, figure: RuleFigures | None) -> dict[str, Any]:
    figure = figure or RuleFigures()
    return {
        "id": rule_id,
        "name": name,
        "place": place,
        "on": kinds,
        "enabled": bool(getattr(model, "enabled", True)),
        "dry_run": bool(getattr(model, "dry_run", False)),
        "fires": figure.fires,
        "failures": figure.failures,
        "last_fired": when(figure.last_fired_ms),
        "last_error": figure.last_error or "",
        "last_error_at": when(figure.last_error_ms),
    }


def sla_page(ctx: ConsoleContext) -> dict[str, Any]:
    snapshot = ctx.snapshots.current
    by_level: dict[tuple[str, str, int, str], int] = {}
    for row in snapshot.rows:
        level = (row.policy, row.metric, row.level, row.name)
        by_level[level] = by_level.get(level, 0) + 1
    now_ms = server_ms(ctx.store.redis)
    midnight_ms = now_ms - now_ms % 86_400_000
    fired_today = ctx.digest.sla_since(midnight_ms)
    breach_levels = _breach_levels(ctx)
    breaches = [
        level
        for level in fired_today
        if (level.get("policy"), level.get("metric"), level.get("level")) in breach_levels
    ]
    return {
        "at": snapshot.at.strftime("%H:%M:%S") if snapshot.at else None,
        "seconds": snapshot.seconds,
        "summary": [
            {"policy": p, "metric": m, "level": lvl, "name": name, "count": count}
            for (p, m, lvl, name), count in sorted(by_level.items())
        ],
        "rows": [{**row.as_dict(), "due": _due(row.due_at, snapshot.at)} for row in snapshot.rows[:200]],
        "total": len(snapshot.rows),
        "fired_today": [{**level, "at": when(level["ms"])} for level in reversed(fired_today[-200:])],
        "breaches_today": len(breaches),
    }


def _due(due_at: datetime, now: datetime | None) -> str:
    shown = due_at.strftime("%Y-%m-%d %H:%M")
    return f"{shown} (in {format_duration(due_at - now)})" if now is not None and due_at > now else shown


def _breach_levels(ctx: ConsoleContext) -> set[tuple[str, str, int]]:
    """The (policy, metric, level) of every level at or after its metric's target: firing one is a breach."""
    return {
        (policy.id, metric.name, level.number)
        for policy in ctx.rules().sla_policies
        for metric in policy.metrics
        for level in metric.levels
        if level.offset >= ZERO
    }


def dead_letters(ctx: ConsoleContext) -> dict[str, Any]:
    key = ctx.store.keys.key("dlq")
    pipe = ctx.store.redis.pipeline(transaction=False)
    pipe.llen(key)
    pipe.lrange(key, 0, DEAD_LETTERS_SHOWN - 1)
    total, raw = pipe.execute()
    rows = []
    for text in texts(raw):
        entry = json.loads(text)
        action = entry.get("action") or {}
        error = entry.get("error")
        rows.append(
            {
                "id": entry.get("action_id") or entry.get("message_id") or "",
                "kind": entry.get("kind", "message"),
                "what": action.get("type") or entry.get("actor") or "",
                "ticket": action.get("ticket") or "",
                "rule": action.get("rule") or "",
                "cause": " ".join(error) if isinstance(error, list) else str(error or ""),
                "retries": entry.get("retries", ""),
            }
        )
    return {"total": total, "rows": rows, "shown": len(rows)}


def retry(ctx: ConsoleContext, entry_id: str | None) -> int:
    """Re-drive one dead letter (by message or action id) or all, as `deskpilot dlq retry` does."""
    return redrive(ctx.store, ctx.actors, entry_id)


def feed_row(entry_id: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    """A row of the live feed, or None for entries not worth showing (rules that did not match)."""
    at = when(entry_ms(entry_id))
    ticket = str(entry.get("ticket") or "")
    if entry["entry"] == "action":
        detail = str(entry.get("detail") or "")[:200]
        return {
            "id": entry_id,
            "at": at,
            "ticket": ticket,
            "kind": "action",
            "text": f"{entry.get('type')} {entry.get('outcome')}" + (f" ({detail})" if detail else ""),
            "rule": entry.get("rule") or "",
        }
    if entry["entry"] == "sla":
        text = f"SLA {entry.get('policy')} {entry.get('metric')} level {entry.get('level')}"
        return {"id": entry_id, "at": at, "ticket": ticket, "kind": "sla", "text": text, "rule": entry.get("rule")}
    status = (entry.get("verdict") or {}).get("status")
    if status in ("fired", "failed"):
        text = f"{entry.get('event_kind', '')}: rule {status}"
        return {"id": entry_id, "at": at, "ticket": ticket, "kind": status, "text": text, "rule": entry.get("rule")}
    return None


def feed_backlog(ctx: ConsoleContext) -> tuple[list[dict[str, Any]], str]:
    """The newest rows for the page's first view (newest first), and the stream id the live part continues from."""
    reply = stream_entries(ctx.store.redis.xrevrange(ctx.store.keys.key("audit"), count=FEED_BACKLOG))
    rows = [row for entry_id, fields in reply if (row := feed_row(entry_id, parse_entry(fields)))]
    return rows[:FEED_ROWS], reply[0][0] if reply else "0-0"
