"""The overview page's figures: health of each part, queues, dead letters, credits, concurrency, latency, rates."""

from __future__ import annotations

import time
from typing import Any

from worker.app.broker import QUEUES
from worker.app.console import charts
from worker.app.console.context import ConsoleContext
from worker.store.keys import server_ms

WORKER_SEEN_S = 60  # a worker whose heartbeat is older than this is not counted (dramatiq beats every few seconds)


def overview(ctx: ConsoleContext) -> dict[str, Any]:
    verdict = ctx.health()
    redis = ctx.store.redis
    now_ms = server_ms(redis)
    pipe = redis.pipeline(transaction=False)
    for queue in QUEUES:
        pipe.llen(f"{ctx.store.keys.dramatiq_namespace}:{queue}")
        pipe.zcard(f"{ctx.store.keys.dramatiq_namespace}:{queue}.DQ")
    seen_since_ms = int(time.time() * 1000) - WORKER_SEEN_S * 1000  # dramatiq beats in local time
    pipe.zcount(f"{ctx.store.keys.dramatiq_namespace}:__heartbeats__", seen_since_ms, "+inf")
    pipe.info("memory")
    pipe.pttl(ctx.token_keys[0])
    pipe.exists(ctx.token_keys[1])
    asked = time.perf_counter()
    replies = pipe.execute()
    queues = [
        {"name": queue.removeprefix("deskpilot."), "ready": replies[2 * i], "delayed": replies[2 * i + 1]}
        for i, queue in enumerate(QUEUES)
    ]
    workers, memory, token_ttl_ms, token_failure = replies[-4:]
    latency = ctx.digest.latency(now_ms)
    events = ctx.digest.per_minute("events", now_ms)
    actions = ctx.digest.per_minute("actions", now_ms)
    return {
        "healthy": verdict.healthy,
        "reasons": verdict.reasons,
        "warnings": verdict.warnings,
        "orgs": [_org(ctx, org_id, verdict.orgs.get(org_id, {})) for org_id in ctx.org_ids],
        "pending": verdict.pending,
        "dead_letters": verdict.dead_letters,
        "queues": queues,
        "redis_memory": memory.get("used_memory_human", "?"),
        "redis_ms": round((time.perf_counter() - asked) * 1000, 1),
        "workers": workers,
        "token": _token(token_ttl_ms, bool(token_failure)),
        "latency": latency,
        "latency_chart": charts.bars(latency["series"], "median change-to-action latency per minute", " s"),
        "events_chart": charts.bars([float(v) for v in events], "events per minute"),
        "actions_chart": charts.bars([float(v) for v in actions], "actions per minute"),
        "events_hour": sum(events),
        "actions_hour": sum(actions),
    }


def _org(ctx: ConsoleContext, org_id: str, poll: dict[str, Any]) -> dict[str, Any]:
    budget = ctx.budget(org_id)
    remaining = budget.get("remaining")
    used = budget["budget"] - remaining if remaining is not None else None
    return {
        "id": org_id,
        "poll_age_s": poll.get("last_successful_poll_age_s"),
        "intake": _intake(poll.get("webhooks")),
        "poll_failures": poll.get("consecutive_poll_failures", 0),
        "poll_error": poll.get("last_poll_error"),
        "paused_s": poll.get("paused_for_s") or 0,
        "credits_used": used,
        "credits_budget": budget["budget"],
        "credits_share": round(100 * used / budget["budget"]) if used is not None and budget["budget"] else None,
        "credits_source": budget.get("source") or "assumed until the Desk reports",
        "leases": budget["leases"],
        "max_concurrency": budget["max_concurrency"],
    }


def _token(ttl_ms: int, failed: bool) -> dict[str, Any]:
    if ttl_ms > 0:
        return {"ok": True, "text": f"cached, valid for {ttl_ms // 60_000} more minutes"}
    if failed:
        return {"ok": False, "text": "the last refresh failed (see desk.token.refresh_failed in the log)"}
    return {"ok": None, "text": "not cached: it is minted at the next Desk call"}


def _intake(hooks: dict[str, Any] | None) -> str:
    """How changes reach the service: polls only, or webhooks with a safety-net poll (app/poll_pace.py)."""
    if not hooks or hooks.get("mode") == "poll":
        return "polls"
    detail = ", ".join(f"{key} {value}" for key, value in hooks.items() if key not in ("mode", "poll_interval_s"))
    return f"{hooks['mode']}: polls every {hooks.get('poll_interval_s')} s" + (f" ({detail})" if detail else "")
