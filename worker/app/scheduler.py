"""Ticks: poll ticks per org and a sweep tick per time rule, each claimed in Redis so it fires exactly once.

Due times are computed in UTC (a time rule's cron is read in its own IANA timezone). Only the latest due tick of
a job is considered: after downtime the next poll covers the gap ([cursor, now)), so missed ticks are not
replayed one by one. Any number of schedulers may run; `SET NX` on the tick decides which one sends it. A time
rule with `only_when_open: CALENDAR` has its ticks that fall in closed hours (holidays included) skipped here:
nothing is claimed or sent for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dramatiq
import structlog
from croniter import croniter

from worker.store.keys import server_now
from worker.store.ticks import Ticks

UTC = timezone.utc
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Job:
    """Something due on a schedule (a fixed interval in seconds, or a cron expression in a timezone), and the message
    it sends when due: `actor` with `args`, and the due time (ISO, UTC) after them when `due_arg`."""

    name: str
    interval_s: float | None = None
    cron: str | None = None
    timezone: str = "UTC"
    actor: dramatiq.Actor | None = None
    args: tuple[str, ...] = ()
    due_arg: bool = False
    open_at: Callable[[datetime], bool] | None = None  # only_when_open: a tick when this is false is skipped

    def send(self, due: datetime) -> None:
        assert self.actor is not None, f"job {self.name} has no actor to send"
        self.actor.send(*self.args, *((due.isoformat(),) if self.due_arg else ()))

    def latest_due(self, now: datetime) -> datetime:
        """The most recent due time at or before `now`, in UTC."""
        if self.interval_s is not None:
            step = self.interval_s
            return datetime.fromtimestamp((now.timestamp() // step) * step, tz=UTC)
        assert self.cron is not None
        local_now = now.astimezone(ZoneInfo(self.timezone))
        previous = croniter(self.cron, local_now + timedelta(microseconds=1)).get_prev(datetime)
        return previous.astimezone(UTC)


def poll_jobs(org_ids: Iterable[str], interval_s: float, poll: dramatiq.Actor) -> list[Job]:
    return [Job(name=f"poll:{org_id}", interval_s=interval_s, actor=poll, args=(org_id,)) for org_id in org_ids]


def sweep_jobs(
    time_rules: Iterable[tuple[str, str, str]],
    sweep: dramatiq.Actor,
    gates: Mapping[str, Callable[[datetime], bool]] | None = None,
) -> list[Job]:
    """(rule id, cron, timezone) of each enabled time rule; `gates`: by rule id, whether its only_when_open
    calendar is open at a tick."""
    return [
        Job(
            name=f"sweep:{rule_id}",
            cron=cron,
            timezone=tz,
            actor=sweep,
            args=(rule_id,),
            due_arg=True,
            open_at=(gates or {}).get(rule_id),
        )
        for rule_id, cron, tz in time_rules
    ]


Fire = Callable[[Job, datetime], None]


def send(job: Job, due: datetime) -> None:
    """The scheduler's `fire`: the job's message."""
    job.send(due)


class Scheduler:
    """Claims and fires due ticks; `jobs` is called each round so hot-reloaded rules take effect."""

    def __init__(self, ticks: Ticks, jobs: Callable[[], list[Job]], fire: Fire, clock: Callable[[], datetime]) -> None:
        self.ticks = ticks
        self.jobs = jobs
        self.fire = fire
        self.clock = clock
        self._last: dict[str, datetime] = {}

    def run_once(self) -> list[tuple[str, datetime]]:
        now = self.clock()
        fired = []
        for job in self.jobs():
            due = job.latest_due(now)
            if self._last.get(job.name) == due:
                continue  # already handled here; saves a Redis round trip per job per loop
            self._last[job.name] = due
            if job.open_at is not None and not job.open_at(due):
                log.info("tick.skipped", job=job.name, due=due.isoformat(), reason="calendar closed")
                continue  # skipped, not queued: the next tick in open hours sweeps as usual
            if self.ticks.claim(job.name, due):
                self.fire(job, due)
                fired.append((job.name, due))
                log.info("tick.fired", job=job.name, due=due.isoformat())
        return fired


def redis_clock(redis) -> Callable[[], datetime]:
    return lambda: server_now(redis)
