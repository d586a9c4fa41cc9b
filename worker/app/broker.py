"""The dramatiq broker on Redis, with deskpilot's dead-letter list and queue names."""

from __future__ import annotations

import dramatiq
from dramatiq.middleware import Middleware

from worker.app.wake import WakingRedisBroker
from worker.store.deadletters import DeadLetters
from worker.store.keys import Keys

QUEUES = ("deskpilot.poll", "deskpilot.evaluate", "deskpilot.act", "deskpilot.sweep", "deskpilot.reconcile")


class DeadLetterList(Middleware):
    """Messages that failed for good (retries exhausted) are kept in deskpilot's dead-letter list."""

    def __init__(self, dead_letters: DeadLetters) -> None:
        self.dead_letters = dead_letters

    def after_nack(self, broker: dramatiq.Broker, message: dramatiq.MessageProxy) -> None:
        self.dead_letters.add(
            {
                "kind": "message",
                "message_id": message.message_id,
                "queue": message.queue_name,
                "actor": message.actor_name,
                "args": list(message.args),
                "kwargs": dict(message.kwargs),
                "retries": message.options.get("retries", 0),
                "error": message.options.get("traceback", "").strip().splitlines()[-1:] or [""],
            }
        )


def make_broker(redis_url: str, dead_letters: DeadLetters, keys: Keys) -> WakingRedisBroker:
    """dramatiq's keys go under the deployment's namespace too (`<namespace>:dramatiq:<queue>`); idle workers wake
    on enqueue (`wake.py`)."""
    broker = WakingRedisBroker(url=redis_url, namespace=keys.dramatiq_namespace)
    broker.add_middleware(DeadLetterList(dead_letters))
    return broker
