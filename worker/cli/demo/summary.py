"""What the demo did: events, rules fired, actions by type and outcome, API calls and credits, latency."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from worker.engine.values import parse_time
from worker.store import Store
from worker.store.audit import entry_time


def latencies(store: Store) -> dict[str, list[float]]:
    """Seconds from a change on the Desk (the ticket's modifiedTime in the event) to its action being done, by what
    saw the change first (webhook or poll)."""
    found: dict[str, list[float]] = {}
    for entry in store.audit.query():
        if entry["entry"] != "action" or entry.get("outcome") not in ("done", "verified"):
            continue
        event = store.events.get(entry.get("event") or "")
        changed = parse_time(event.modified_time) if event and event.modified_time else None
        if event and changed:
            found.setdefault(event.source, []).append((entry_time(entry["id"]) - changed).total_seconds())
    return found


def _latency(delays: list[float]) -> dict[str, Any]:
    return {"p50": percentile(delays, 0.5), "p95": percentile(delays, 0.95), "count": len(delays)}


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1], 3)


def summarize(
    store: Store, api_calls: int, credits_used: int, activity: dict[str, Any], seconds: float
) -> dict[str, Any]:
    counters = store.metrics.counters()
    events = Counter({key[1]: int(value) for key, value in counters.items() if key[0] == "events_total"})
    fired = Counter({key[1]: int(value) for key, value in counters.items() if key[0] == "rule_matches_total"})
    actions: dict[str, dict[str, int]] = {}
    for key, value in counters.items():
        if key[0] == "actions_total":
            actions.setdefault(key[1], {})[key[2]] = int(value)
    delays = latencies(store)
    sources = {key[1]: int(value) for key, value in counters.items() if key[0] == "events_logged_total"}
    return {
        "seconds": round(seconds, 1),
        "desk_activity": activity,
        "events": {"total": sum(events.values()), **dict(events)},
        "rules_fired": {"total": sum(fired.values()), **dict(fired)},
        "actions": actions,
        "api_calls": api_calls,
        "credits_used": credits_used,
        "events_by_source": sources,
        "latency_s": _latency([delay for found in delays.values() for delay in found]),
        "latency_by_source_s": {source: _latency(found) for source, found in sorted(delays.items())},
    }


def render(summary: dict[str, Any]) -> str:
    lines = [f"demo summary after {summary['seconds']} s"]
    lines.append(f"  changes made on the desk by customers and agents: {summary['desk_activity'].get('events', 0)}")
    events = summary["events"]
    lines.append(
        f"  events noticed: {events['total']}  " + ", ".join(f"{k} {v}" for k, v in events.items() if k != "total")
    )
    if summary["events_by_source"]:
        lines.append(
            "  events logged, by what saw the change first: "
            + ", ".join(f"{source} {count}" for source, count in sorted(summary["events_by_source"].items()))
        )
    fired = summary["rules_fired"]
    lines.append(f"  rules fired: {fired['total']}  " + ", ".join(f"{k} {v}" for k, v in fired.items() if k != "total"))
    for action_type, outcomes in sorted(summary["actions"].items()):
        lines.append(
            f"  actions {action_type}: "
            + ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items()))
        )
    lines.append(f"  API calls: {summary['api_calls']}  credits used: {summary['credits_used']}")
    latency = summary["latency_s"]
    if latency["count"]:
        lines.append(
            f"  change-to-action latency: p50 {latency['p50']} s, p95 {latency['p95']} s "
            f"over {latency['count']} actions"
        )
        for source, figures in summary["latency_by_source_s"].items():
            lines.append(
                f"    seen by {source}: p50 {figures['p50']} s, p95 {figures['p95']} s over {figures['count']} actions"
            )
    else:
        lines.append("  change-to-action latency: no change on the desk led to an action yet (run longer)")
    return "\n".join(lines)
