"""only_when_open with the scheduler's real parts: the jobs the service builds from a rules folder (jobs_for), the
tick claims in a real redis-server and the sweep actor's messages on dramatiq's Redis broker. A tick in the
calendar's closed hours is neither claimed nor sent; one in open hours is both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from dramatiq import Message

from config.settings import Settings
from worker.app.actors import Actors, actors_for
from worker.app.runtime import Runtime
from worker.app.scheduler import Scheduler, send
from worker.app.service import jobs_for

RULES = """
calendars:
  support:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays: [{date: 2026-12-25}]
rules:
  - id: reminder
    on: {schedule: {cron: "0 * * * *", timezone: Europe/Berlin, only_when_open: support}}
    once: per_ticket
    then: [{comment: {text: reminder}}]
"""
UTC = timezone.utc
CHRISTMAS = datetime(2026, 12, 25, 10, 30, tzinfo=UTC)  # a Friday, 11:30 in Berlin: a holiday
OPEN = datetime(2026, 12, 29, 10, 30, tzinfo=UTC)  # a Tuesday, 11:30 in Berlin


@pytest.fixture
def wired(redis_server, tmp_path) -> Iterator[tuple[Runtime, Actors]]:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.yaml").write_text(RULES)
    settings = Settings(
        redis_url=redis_server.url,
        org_ids=["1001"],
        rules_path=tmp_path / "rules",
        metrics_port=0,
        api_root="http://127.0.0.1:9/api/v1",
        accounts_url="http://127.0.0.1:9",
    )
    runtime = Runtime.from_settings(settings)
    runtime.rules.catalogues = None  # no Desk here: names are not checked
    runtime.rules.load()
    yield runtime, actors_for(runtime)
    runtime.close()


def sweeps_queued(runtime: Runtime, actors: Actors) -> list[list[str]]:
    """The args of the sweep messages waiting on the broker's sweep queue."""
    broker = actors.sweep.broker
    found = broker.client.hvals(f"{broker.namespace}:{actors.sweep.queue_name}.msgs")
    messages = [Message.decode(data) for data in found]
    return [list(message.args) for message in messages if message.actor_name == "sweep"]


def test_a_closed_calendar_s_tick_is_skipped_and_an_open_one_claimed_and_sent(wired):
    runtime, actors = wired
    jobs = jobs_for(runtime, actors)
    # On Christmas Day the 11:00 tick is skipped: not claimed, not sent
    fired = Scheduler(runtime.store.ticks, jobs, send, lambda: CHRISTMAS).run_once()
    assert "sweep:reminder" not in {name for name, _ in fired}
    skipped = runtime.store.keys.key("tick", "sweep:reminder", datetime(2026, 12, 25, 10, 0, tzinfo=UTC).isoformat())
    assert not runtime.redis.exists(skipped)
    assert sweeps_queued(runtime, actors) == []
    # On an ordinary Tuesday the 11:00 tick is claimed and its sweep message queued
    fired = Scheduler(runtime.store.ticks, jobs, send, lambda: OPEN).run_once()
    due = datetime(2026, 12, 29, 10, 0, tzinfo=UTC)
    assert ("sweep:reminder", due) in fired
    assert sweeps_queued(runtime, actors) == [["reminder", due.isoformat()]]
    assert runtime.redis.exists(runtime.store.keys.key("tick", "sweep:reminder", due.isoformat()))
