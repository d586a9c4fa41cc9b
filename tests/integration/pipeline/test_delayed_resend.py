"""A message delayed for a RateLimited (429, token outage, settling write) is re-sent once and the actor returns
cleanly: a failure after the re-send would make dramatiq deliver it a second time."""

from __future__ import annotations

from dramatiq.brokers.stub import StubBroker

from config.settings import Settings
from worker.app.actors import MIN_BACKOFF_MS, declare_actors, later
from worker.app.runtime import Runtime
from worker.desk.errors import RateLimited


def test_a_delayed_resend_queues_one_message_and_raises_nothing(redis_server, tmp_path):
    runtime = Runtime.from_settings(
        Settings(redis_url=redis_server.url, rules_path=tmp_path, allow_empty_rules=True, _env_file=None)
    )
    broker = StubBroker()
    try:
        actors = declare_actors(broker, runtime)
        later(actors.act, RateLimited("paused", error_code="TOKEN_UNAVAILABLE", retry_after=5.0), "a1")
        delayed = broker.queues["deskpilot.act.DQ"]
        assert delayed.qsize() == 1 and broker.queues["deskpilot.act"].qsize() == 0  # the delay queue holds it once
        message = delayed.get_nowait()
        assert b'"args":["a1"]' in message and b'"eta":' in message
    finally:
        broker.close()
        runtime.close()


def test_a_retry_after_below_the_minimum_backoff_waits_the_minimum(redis_server, tmp_path):
    runtime = Runtime.from_settings(
        Settings(redis_url=redis_server.url, rules_path=tmp_path, allow_empty_rules=True, _env_file=None)
    )
    broker = StubBroker()
    try:
        actors = declare_actors(broker, runtime)
        sent = []
        actors.act.send_with_options = lambda **options: sent.append(options)  # type: ignore[method-assign]
        later(actors.act, RateLimited("throttled", error_code="TOO_MANY_REQUESTS", retry_after=0.1), "a1")
        assert sent == [{"args": ("a1",), "delay": MIN_BACKOFF_MS}]
    finally:
        broker.close()
        runtime.close()
