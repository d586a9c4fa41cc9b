"""Scheduler jobs (pure): due times (intervals in UTC, cron in the rule's timezone, only the latest tick) and the
message each sends."""

from __future__ import annotations

from datetime import datetime, timezone

from worker.app.scheduler import Job, poll_jobs, send, sweep_jobs

UTC = timezone.utc


def test_interval_ticks_are_aligned_to_the_epoch():
    job = Job(name="poll:1", interval_s=10)
    assert job.latest_due(datetime(2026, 11, 28, 10, 0, 17, tzinfo=UTC)) == datetime(
        2026, 11, 28, 10, 0, 10, tzinfo=UTC
    )


def test_cron_is_read_in_the_rules_timezone():
    # 09:00 every weekday in Berlin is 08:00 UTC in winter
    job = Job(name="sweep:r", cron="0 9 * * 1-5", timezone="Europe/Berlin")
    assert job.latest_due(datetime(2026, 11, 30, 8, 30, tzinfo=UTC)) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_cron_due_exactly_now_is_due():
    job = Job(name="sweep:r", cron="*/5 * * * *")
    now = datetime(2026, 11, 28, 10, 5, tzinfo=UTC)
    assert job.latest_due(now) == now


def test_after_downtime_only_the_latest_tick_is_due():
    job = Job(name="sweep:r", cron="*/5 * * * *")
    assert job.latest_due(datetime(2026, 11, 28, 13, 7, tzinfo=UTC)) == datetime(2026, 11, 28, 13, 5, tzinfo=UTC)


def test_cron_across_the_spring_dst_change():
    # 02:30 does not exist in Berlin on 2026-03-29; the 03:00 run is 01:00 UTC
    job = Job(name="sweep:r", cron="0 3 * * *", timezone="Europe/Berlin")
    assert job.latest_due(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


class _Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, ...]] = []

    def send(self, *args: str) -> None:
        self.sent.append(args)


def test_a_job_sends_its_actor_its_args_and_the_due_time_when_asked() -> None:
    poll, sweep, reconcile = _Recorder(), _Recorder(), _Recorder()
    due = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    jobs = [
        *poll_jobs(["7", "8"], 10, poll),
        *sweep_jobs([("nightly", "0 3 * * *", "UTC")], sweep),  # type: ignore[arg-type]
        Job(name="reconcile", interval_s=30, actor=reconcile),
    ]  # type: ignore[arg-type]
    for job in jobs:
        send(job, due)
    assert poll.sent == [("7",), ("8",)]
    assert sweep.sent == [("nightly", "2026-12-02T09:00:00+00:00")]
    assert reconcile.sent == [()]
