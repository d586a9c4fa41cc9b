"""The long-running processes: the scheduler, the workers, or both in one (`deskpilot run`).

Each stops cleanly on SIGTERM or SIGINT: the scheduler finishes its round, workers finish the messages in hand
(dramatiq's graceful stop), the metrics server closes. Nothing is lost by stopping: unsent work is in the
event log and the ledger, and the reconciler sends it again.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dramatiq
import structlog
from dramatiq import Worker

from worker.app import log_filters
from worker.app.actors import Actors, actors_for
from worker.app.broker import QUEUES
from worker.app.console.server import console_for
from worker.app.health import HealthCheck
from worker.app.ingress import IngressServer, Receiver, build_app, jwks_url
from worker.app.intake import intake_for
from worker.app.metrics import StoreCollector, serve
from worker.app.poll_pace import PollPace
from worker.app.round_loop import RoundLoop
from worker.app.runtime import Runtime
from worker.app.scheduler import Job, Scheduler, poll_jobs, redis_clock, send, sweep_jobs
from worker.desk.budget import Budget
from worker.ingest.webhook_verify import JwksCache
from worker.store.keys import server_ms
from worker.store.webhooks import WebhookState

log = structlog.get_logger(__name__)
HEALTHY_SCHEDULER_AGE_S = 30.0
WORKER_STOP_TIMEOUT_MS = 30_000


def jobs_for(runtime: Runtime, actors: Actors, pace: PollPace | None = None) -> Callable[[], list[Job]]:
    """The scheduler's jobs, each with the message it sends; called each round, so reloaded rules take effect.
    `pace`: each org's poll interval (the safety net's long one while webhooks deliver)."""
    settings = runtime.settings

    def polls() -> list[Job]:
        if pace is None:
            return poll_jobs(settings.org_ids, settings.poll_interval_s, actors.poll)
        return [job for org in settings.org_ids for job in poll_jobs([org], pace.interval_s(org), actors.poll)]

    def jobs() -> list[Job]:
        rules = runtime.rules.current()
        timed = [
            (rule.id, rule.schedule.cron, rule.schedule.timezone)
            for rule in rules.time_rules
            if rule.model.enabled and rule.schedule
        ]
        gates = {
            rule.id: calendar.is_open
            for rule in rules.time_rules
            if rule.schedule and (calendar := rules.calendars.get(rule.schedule.only_when_open or ""))
        }
        sla = (
            [Job(name="sla", interval_s=settings.sla_sweep_interval_s, actor=actors.sla_sweep, due_arg=True)]
            if rules.sla_policies
            else []
        )
        return [
            *polls(),
            *sweep_jobs(timed, actors.sweep, gates),
            *sla,
            Job(name="reconcile", interval_s=settings.reconcile_interval_s, actor=actors.reconcile),
        ]

    return jobs


@dataclass
class Service:
    runtime: Runtime
    scheduler: bool = True
    workers: bool = True
    actors: Actors | None = None  # declared on a broker of the runtime's Redis when not given
    stop: threading.Event = field(default_factory=threading.Event)
    _last_round: float = field(default_factory=time.monotonic)
    _pace: PollPace | None = None

    def scheduler_stalled_s(self) -> float | None:
        """Seconds since the scheduler's last round when that is too long (None: fine, or no scheduler here)."""
        age = time.monotonic() - self._last_round
        return age if self.scheduler and age >= HEALTHY_SCHEDULER_AGE_S else None

    def run(self) -> int:
        """Block until SIGTERM/SIGINT (or `stop` is set by the caller)."""
        runtime = self.runtime
        runtime.rules.load()
        log_filters.install()
        actors = self.actors = self.actors or actors_for(runtime)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stop.set())
        budget = Budget.from_config(runtime.desk_config, runtime.redis)
        self._pace = PollPace(
            runtime.settings, WebhookState(runtime.redis, runtime.store.keys), lambda: server_ms(runtime.redis)
        )
        collector = StoreCollector(
            runtime.store, runtime.settings.org_ids, lambda org: budget.snapshot(org)["remaining"]
        )
        # Figures live in Redis, so one server per deployment suffices: the scheduler's (workers may be many).
        serves_metrics = self.scheduler and runtime.settings.metrics_port
        health = HealthCheck(
            runtime.redis,
            runtime.settings,
            server_ms(runtime.redis),
            lambda org: budget.snapshot(org)["pause_s"],
            self.scheduler_stalled_s,
            webhooks=self._pace.info if self._pace else None,
        )
        metrics = (
            serve(collector, health.verdict, runtime.settings.metrics_host, runtime.settings.metrics_port)
            if serves_metrics
            else None
        )
        # The operations console, beside /metrics in the scheduler; a refused bind stops the start (PreflightError).
        console = (
            console_for(runtime, actors, health, budget) if self.scheduler and runtime.settings.console_port else None
        )
        if console is not None:
            log.info("console.started", url=console.url)
        # The webhook receiver, beside /metrics in the scheduler (a refused bind stops the start: PreflightError).
        ingress = self._start_ingress(actors) if self.scheduler and runtime.settings.webhook_port else None
        worker = self._start_workers(actors.broker) if self.workers else None
        log.info("service.started", scheduler=self.scheduler, workers=bool(worker), orgs=runtime.settings.org_ids)
        try:
            if self.scheduler:
                self._schedule(actors)
            else:
                self.stop.wait()
        finally:
            if worker is not None:
                worker.stop(timeout=WORKER_STOP_TIMEOUT_MS)
            if metrics is not None:
                metrics.shutdown()
            if console is not None:
                console.stop()
            if ingress is not None:
                ingress.shutdown()
            log.info("service.stopped")
        return 0

    def _start_ingress(self, actors: Actors) -> IngressServer:
        runtime, settings = self.runtime, self.runtime.settings
        receiver = Receiver(
            JwksCache(jwks_url(settings.api_root, settings.webhook_jwks_url)),
            WebhookState(runtime.redis, runtime.store.keys),
            intake_for(runtime, actors.evaluate.send, actors.ticket_hint.send),
            list(settings.org_ids),
        )
        return IngressServer(build_app(receiver), settings.webhook_host, settings.webhook_port).start()

    def _start_workers(self, broker: dramatiq.Broker) -> Worker:
        worker = Worker(
            broker,
            queues=set(QUEUES),
            worker_threads=self.runtime.settings.worker_threads,
            worker_timeout=self.runtime.settings.worker_idle_wake_ms,
        )
        worker.start()
        return worker

    def _schedule(self, actors: Actors) -> None:
        scheduler = Scheduler(
            self.runtime.store.ticks, jobs_for(self.runtime, actors, self._pace), send, redis_clock(self.runtime.redis)
        )

        def run_round() -> None:
            scheduler.run_once()
            self._last_round = time.monotonic()

        RoundLoop(run_round, self.stop.wait).run()
