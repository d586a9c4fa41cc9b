"""dramatiq actors: poll, evaluate, act, sweep, sla_sweep, reconcile, ticket_hint. Thin: each hands its work to the
module that owns it.

Nothing happens at import: `declare_actors(broker, runtime)` declares them on the broker it is given, for the
runtime it is given, and returns them (`Actors`); `actors_for(runtime)` does so on a broker of the runtime's Redis.
Retries go through dramatiq (backoff between `MIN_BACKOFF_MS` and `MAX_BACKOFF_MS`), never in-process timers.
A 429 re-sends the message with Retry-After as its delay, so throttling does not spend the retry count.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import dramatiq
import structlog

from worker.actions.enforcer import Enforcer
from worker.app.activity import activity_keeper
from worker.app.broker import make_broker
from worker.app.intake import intake_for
from worker.app.poll_pace import note_missed
from worker.app.runtime import Runtime
from worker.desk.errors import NotFound, RateLimited
from worker.ingest.absorb import TicketsBusy
from worker.ingest.poller import Poller
from worker.ingest.timeline_sync import TimelineKeeper
from worker.ingest.webhook_intake import Intake
from worker.plan.facts import FactsFetcher
from worker.plan.on_event import evaluate_event
from worker.plan.recorder import ActNow
from worker.plan.sla_levels import SlaSweeper
from worker.plan.time_rules import TimeRuleSweeper
from worker.recovery.reconciler import reconcile as reconcile_overdue
from worker.store.keys import server_now, step_clock
from worker.store.records import LedgerAction

MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 60_000
DEFAULT_RETRY_AFTER_S = 2.0
# One poll per org (and one SLA sweep) at a time: a lease its run extends as it makes progress, so a worker
# killed mid-run holds it only this long.
RUN_LEASE_MS = 15_000
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Actors:
    """The actors of one process, declared on one broker. Their names are the messages' (and dead letters')."""

    poll: dramatiq.Actor
    evaluate: dramatiq.Actor
    act: dramatiq.Actor
    sweep: dramatiq.Actor
    sla_sweep: dramatiq.Actor
    reconcile: dramatiq.Actor
    ticket_hint: dramatiq.Actor  # a webhook delivery that needs the ticket read (worker/ingest/webhook_intake.py)

    @property
    def broker(self) -> dramatiq.Broker:
        return self.act.broker

    def by_name(self) -> dict[str, dramatiq.Actor]:
        return {actor.actor_name: actor for actor in (getattr(self, item.name) for item in fields(self))}


def actors_for(runtime: Runtime) -> Actors:
    """The service's actors on a broker of the runtime's Redis, with deskpilot's dead-letter list."""
    return declare_actors(
        make_broker(runtime.settings.redis_url, runtime.store.dead_letters, runtime.store.keys), runtime
    )


def declare_actors(broker: dramatiq.Broker, runtime: Runtime) -> Actors:
    """Declare the actors on `broker`; each runs its work against `runtime`."""
    retries = {
        "max_retries": runtime.settings.message_max_retries,
        "min_backoff": MIN_BACKOFF_MS,
        "max_backoff": MAX_BACKOFF_MS,
    }
    work = _Work(runtime)

    def declare(name: str, queue: str, fn: Callable[..., None], **options: Any) -> dramatiq.Actor[..., None]:
        return dramatiq.actor(broker=broker, actor_name=name, queue_name=queue, **options)(work.counted(fn))

    actors = Actors(
        poll=declare("poll", "deskpilot.poll", work.poll, **retries),
        evaluate=declare("evaluate", "deskpilot.evaluate", work.evaluate, **retries),
        act=declare("act", "deskpilot.act", work.act, **retries),
        sweep=declare("sweep", "deskpilot.sweep", work.sweep, **retries),
        sla_sweep=declare("sla_sweep", "deskpilot.sweep", work.sla_sweep, **retries),
        reconcile=declare("reconcile", "deskpilot.reconcile", work.reconcile, max_retries=0),
        ticket_hint=declare("ticket_hint", "deskpilot.evaluate", work.ticket_hint, **retries),
    )
    work.actors = actors
    return actors


def later(actor: dramatiq.Actor, error: RateLimited, *args: str) -> None:
    """Send the message again after the Retry-After of `error` (at least MIN_BACKOFF_MS)."""
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


class _Work:
    """What each actor does, against one runtime; `actors` (set once declared) is where follow-ups are sent."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.actors: Actors | None = None
        self._intake: Intake | None = None
        self.facts = FactsFetcher(runtime.store, runtime.client)  # fetches only what loaded rules read

    def counted(self, fn: Callable[..., None]) -> Callable[..., None]:
        """`fn`, then this process's counter increments written if due (store/counters.py), whatever happened."""

        @functools.wraps(fn)
        def run(*args: Any) -> None:
            try:
                fn(*args)
            finally:
                try:
                    self.runtime.store.metrics.flush_if_due()
                except Exception as error:  # noqa: BLE001 - Redis away: the increments are kept for the next flush
                    log.warning("counters.flush_failed", error=str(error))

        return run

    @property
    def _sent(self) -> Actors:
        assert self.actors is not None, "declare_actors sets the actors before any message is processed"
        return self.actors

    def poll(self, org_id: str) -> None:
        runtime, settings = self.runtime, self.runtime.settings
        client = runtime.client(org_id)
        keeper = (
            TimelineKeeper(client, runtime.store, settings.sla_timeline_fill_per_poll)
            if runtime.rules.current().sla_policies
            else None
        )
        with exclusive(runtime, f"poll:{org_id}") as heartbeat:
            if heartbeat is None:  # the next tick's window starts at the cursor that poll leaves, so nothing is missed
                log.info("poll.skipped", org=org_id, reason="the previous poll of this org is still running")
                return
            try:
                with runtime.store.health.watch(org_id) as outcome:  # what /healthz judges polls by
                    result = Poller(
                        client,
                        runtime.store,
                        self._sent.evaluate.send,
                        overlap=timedelta(seconds=settings.poll_overlap_s),
                        timelines=keeper,
                        activity=activity_keeper(runtime, client, keeper),
                        heartbeat=heartbeat,
                        max_index_lag=timedelta(seconds=settings.poll_max_index_lag_s),
                    ).poll()
                    outcome.failure = "a search answer without data" if result.failed else None
                if not result.backfilled:  # changes no delivery brought: the safety net's evidence
                    note_missed(runtime.store, org_id, result.events)
            except RateLimited as error:  # the next poll tick covers the window; no retry needed
                log.warning("poll.throttled", org=org_id, retry_after=error.retry_after)

    def evaluate(self, event_id: str) -> None:
        """Evaluate the event, then act on what it planned (see `_act_planned`)."""
        runtime = self.runtime
        sent: list[str] = []
        act_now = ActNow(runtime.owner, self._lease_ms)
        with step_clock(runtime.redis):  # one TIME for the message
            try:
                evaluate_event(
                    runtime.store,
                    runtime.rules.current(),
                    runtime.directory,
                    event_id,
                    server_now(runtime.redis),
                    sent.append,
                    self.facts.for_ticket,
                    act_now,
                )
            except RateLimited as error:  # fetching the directory was throttled
                later(self._sent.evaluate, error, event_id)
                return
            self._act_planned(sent, act_now.claimed)

    def _act_planned(self, first_actions: list[str], claimed: dict[str, LedgerAction]) -> None:
        """The action the recorder claimed for this worker runs here, in the evaluate message, once the event is
        finished, and its rule's later actions after it: they are in the ledger, so a crash from here on is the
        same as a lost `act` message (the reconciler sends it again after its deadline). That spares an `act`
        message per event (its enqueue, fetch, ack and wake-up) and a claim and read. The other rules' first
        actions are sent as `act` messages, so they run on other threads meanwhile."""
        chain: list[str] = []  # each finished action puts its rule's next one here
        for action_id in first_actions:
            if action_id in claimed:
                self._act_here(action_id, chain.append, claimed[action_id])
            else:
                self._sent.act.send(action_id)
        while chain:
            self._act_here(chain.pop(), chain.append)

    def _act_here(
        self, action_id: str, send_next: Callable[[str], object], recorded: LedgerAction | None = None
    ) -> None:
        """One action in this message; one that fails in a way worth retrying is handed to an `act` message, whose
        retries and backoff are dramatiq's (the enforcer released its claim)."""
        try:
            self._act(action_id, send_next, recorded)
        except Exception as error:  # noqa: BLE001 - retried as an act message
            log.info("action.handed_on", action=action_id, error=str(error))
            self._sent.act.send(action_id)

    def act(self, action_id: str) -> None:
        with step_clock(self.runtime.redis):
            self._act(action_id, self._sent.act.send)

    def _act(self, action_id: str, send_next: Callable[[str], object], recorded: LedgerAction | None = None) -> None:
        """Apply one action (`recorded`: its action, when this worker recorded and claimed it a moment ago)."""
        runtime = self.runtime
        enforcer = Enforcer(runtime.store, runtime.owner, send_next, self._lease_ms, outbound=runtime.outbound())
        try:
            if recorded is None:
                enforcer.apply(action_id, runtime.client)
            else:
                enforcer.apply_recorded(action_id, recorded, runtime.client)
        except RateLimited as error:
            runtime.store.ledger.postpone(action_id, int(1000 * (error.retry_after or DEFAULT_RETRY_AFTER_S)))
            later(self._sent.act, error, action_id)

    @property
    def _lease_ms(self) -> int:
        return int(self.runtime.settings.action_lease_s * 1000)

    def sweep(self, rule_id: str, tick: str) -> None:
        runtime = self.runtime
        try:
            sweeper = TimeRuleSweeper(
                runtime.store, runtime.rules.current(), runtime.directory, self._sent.act.send, self.facts.for_ticket
            )
            sweeper.sweep(rule_id, datetime.fromisoformat(tick), list(runtime.settings.org_ids))
        except RateLimited as error:
            later(self._sent.sweep, error, rule_id, tick)

    def sla_sweep(self, tick: str) -> None:
        runtime = self.runtime
        with exclusive(runtime, "sla") as heartbeat:
            if heartbeat is None:
                log.info("sla.skipped", reason="the previous SLA sweep is still running")
                return
            try:
                sweeper = SlaSweeper(
                    runtime.store, runtime.rules.current(), runtime.directory, self._sent.act.send, heartbeat=heartbeat
                )
                sweeper.sweep(list(runtime.settings.org_ids), server_now(runtime.redis))
            except RateLimited as error:  # the directory fetch was throttled
                later(self._sent.sla_sweep, error, tick)

    def ticket_hint(self, org_id: str, ticket_id: str, seen_time: str) -> None:
        """Read a hinted ticket from the Desk and absorb it (nothing when the mirror already holds the change)."""
        sent = self._sent
        if self._intake is None:  # one per process: its lock stripes keep two reads of a ticket apart
            self._intake = intake_for(self.runtime, sent.evaluate.send, sent.ticket_hint.send)
        try:
            self._intake.fetch(self.runtime.client(org_id), ticket_id, seen_time)
        except NotFound:
            log.info("webhook.hint_gone", org=org_id, ticket=ticket_id)
        except TicketsBusy:  # a poll is absorbing this ticket right now: read it again after
            sent.ticket_hint.send_with_options(args=(org_id, ticket_id, seen_time), delay=MIN_BACKOFF_MS)
            log.info("message.delayed", actor="ticket_hint", delay_ms=MIN_BACKOFF_MS, reason="ticket busy")
        except RateLimited as error:
            later(sent.ticket_hint, error, org_id, ticket_id, seen_time)

    def reconcile(self) -> None:
        reconcile_overdue(self.runtime.store, self._sent.evaluate.send, self._sent.act.send)
