"""dramatiq actors: poll, evaluate, act, sweep, reconcile. Thin: each hands its work to the module that owns it.

Retries go through dramatiq (backoff between `MIN_BACKOFF_MS` and `MAX_BACKOFF_MS`), never in-process timers.
A 429 re-sends the message with Retry-After as its delay, so throttling does not spend the retry count.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import dramatiq
import structlog

from worker.actions.enforcer import Enforcer
from worker.app.broker import make_broker
from worker.desk.errors import RateLimited
from worker.plan.on_event import evaluate_event
from worker.ingest.poller import Poller
from worker.recovery.reconciler import reconcile as reconcile_overdue
from worker.app.runtime import Runtime, get_runtime
from worker.store.keys import server_now
from worker.plan.sla_levels import SlaSweeper
from worker.plan.time_rules import TimeRuleSweeper
from worker.ingest.timeline_sync import TimelineKeeper

MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 60_000
DEFAULT_RETRY_AFTER_S = 2.0
# One poll per org (and one SLA sweep) at a time: a lease its run extends as it makes progress, so a worker
# killed mid-run holds it only this long.
RUN_LEASE_MS = 15_000
log = structlog.get_logger(__name__)

_runtime = get_runtime()
dramatiq.set_broker(make_broker(_runtime.settings.redis_url, _runtime.store.dead_letters, _runtime.store.keys))
RETRIES = {"max_retries": _runtime.settings.message_max_retries, "min_backoff": MIN_BACKOFF_MS, "max_backoff": MAX_BACKOFF_MS}


def _later(actor: dramatiq.Actor, error: RateLimited, *args: str) -> None:
    delay_ms = int(1000 * (error.retry_after if error.retry_after is not None else DEFAULT_RETRY_AFTER_S))
    actor.send_with_options(args=args, delay=max(delay_ms, MIN_BACKOFF_MS))
    log.info("message.delayed", actor=actor.actor_name, delay_ms=delay_ms, reason=error.error_code)


@contextmanager
def exclusive(runtime: Runtime, job: str) -> Iterator[Callable[[], None] | None]:
    """Run `job` only if no other run holds it: yields a heartbeat that keeps the lease while the run makes
    progress, or None when another run is under way (the caller skips; the next tick covers its work)."""
    ticks, owner = runtime.store.ticks, runtime.owner
    if not ticks.hold(job, owner, RUN_LEASE_MS):
        yield None
        return
    try:
        yield lambda: ticks.extend(job, owner, RUN_LEASE_MS)
    finally:
        ticks.release(job, owner)


@dramatiq.actor(queue_name="deskpilot.poll", **RETRIES)
def poll(org_id: str) -> None:
    runtime = get_runtime()
    settings = runtime.settings
    client = runtime.client(org_id)
    keeper = TimelineKeeper(client, runtime.store, settings.sla_timeline_fill_per_poll) if runtime.rules.current().sla_policies else None
    with exclusive(runtime, f"poll:{org_id}") as heartbeat:
        if heartbeat is None:  # the next tick's window starts at the cursor that poll leaves, so nothing is missed
            log.info("poll.skipped", org=org_id, reason="the previous poll of this org is still running")
            return
        try:
            with runtime.store.health.watch(org_id) as outcome:  # what /healthz judges polls by
                result = Poller(client, runtime.store, evaluate.send, overlap=timedelta(seconds=settings.poll_overlap_s), timelines=keeper,
                                heartbeat=heartbeat, max_index_lag=timedelta(seconds=settings.poll_max_index_lag_s)).poll()
                outcome.failure = "a search answer without data" if result.failed else None
        except RateLimited as error:  # the next poll tick covers the window; no retry needed
            log.warning("poll.throttled", org=org_id, retry_after=error.retry_after)


@dramatiq.actor(queue_name="deskpilot.evaluate", **RETRIES)
def evaluate(event_id: str) -> None:
    runtime = get_runtime()
    try:
        evaluate_event(runtime.store, runtime.rules.current(), runtime.directory, event_id, server_now(runtime.redis), act.send)
    except RateLimited as error:  # fetching the directory was throttled
        _later(evaluate, error, event_id)


@dramatiq.actor(queue_name="deskpilot.act", **RETRIES)
def act(action_id: str) -> None:
    runtime = get_runtime()
    enforcer = Enforcer(runtime.store, runtime.owner, act.send, int(runtime.settings.action_lease_s * 1000))
    try:
        enforcer.apply(action_id, runtime.client)
    except RateLimited as error:
        runtime.store.ledger.postpone(action_id, int(1000 * (error.retry_after or DEFAULT_RETRY_AFTER_S)))
        _later(act, error, action_id)


@dramatiq.actor(queue_name="deskpilot.sweep", **RETRIES)
def sweep(rule_id: str, tick: str) -> None:
    runtime = get_runtime()
    try:
        sweeper = TimeRuleSweeper(runtime.store, runtime.rules.current(), runtime.directory, act.send)
        sweeper.sweep(rule_id, datetime.fromisoformat(tick), list(runtime.settings.org_ids))
    except RateLimited as error:
        _later(sweep, error, rule_id, tick)


@dramatiq.actor(queue_name="deskpilot.sweep", **RETRIES)
def sla_sweep(tick: str) -> None:
    runtime = get_runtime()
    with exclusive(runtime, "sla") as heartbeat:
        if heartbeat is None:
            log.info("sla.skipped", reason="the previous SLA sweep is still running")
            return
        try:
            sweeper = SlaSweeper(runtime.store, runtime.rules.current(), runtime.directory, act.send, heartbeat=heartbeat)
            sweeper.sweep(list(runtime.settings.org_ids), server_now(runtime.redis))
        except RateLimited as error:  # the directory fetch was throttled
            _later(sla_sweep, error, tick)


@dramatiq.actor(queue_name="deskpilot.reconcile", max_retries=0)
def reconcile() -> None:
    runtime = get_runtime()
    reconcile_overdue(runtime.store, evaluate.send, act.send)


def by_name() -> dict[str, dramatiq.Actor]:
    return {actor.actor_name: actor for actor in (poll, evaluate, act, sweep, sla_sweep, reconcile)}
