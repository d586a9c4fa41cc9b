"""How each org's polls have gone lately: when one last succeeded, how many failed since, and why the last failed.

Polls run on any worker; /healthz is served by the scheduler, so the record lives in Redis, one hash per org.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis as redis_lib

from worker.store.keys import Keys, server_ms
from worker.store.replies import text_map

ERROR_TEXT_MAX = 200


@dataclass(frozen=True)
class PollRecord:
    last_ok_ms: int | None  # Redis time of the last poll that read its whole window
    failures: int  # polls failed in a row since then
    last_error: str | None


@dataclass
class PollOutcome:
    """Set `failure` when a poll ended without raising but did not read its window (e.g. a search with no data)."""

    failure: str | None = None


class PollHealth:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    @contextmanager
    def watch(self, org_id: str) -> Iterator[PollOutcome]:
        """Around one poll: an exception or a set `failure` counts as a failed poll, anything else as a success."""
        outcome = PollOutcome()
        try:
            yield outcome
        except Exception as exc:
            self.failed(org_id, describe(exc))
            raise
        if outcome.failure is None:
            self.succeeded(org_id)
        else:
            self.failed(org_id, outcome.failure)

    def succeeded(self, org_id: str) -> None:
        self.redis.hset(
            self.key("health", "poll", org_id),
            mapping={"last_ok_ms": server_ms(self.redis), "failures": 0, "last_error": ""},
        )

    def failed(self, org_id: str, error: str) -> None:
        pipe = self.redis.pipeline()
        pipe.hincrby(self.key("health", "poll", org_id), "failures", 1)
        pipe.hset(self.key("health", "poll", org_id), "last_error", error[:ERROR_TEXT_MAX])
        pipe.execute()

    def get(self, org_id: str) -> PollRecord:
        raw = text_map(self.redis.hgetall(self.key("health", "poll", org_id)))
        last_ok = raw.get("last_ok_ms")
        return PollRecord(
            int(last_ok) if last_ok else None, int(raw.get("failures") or 0), raw.get("last_error") or None
        )


def describe(exc: BaseException) -> str:
    """One line for an operator: the Desk's error text (built without secrets, see desk/errors.py) or the type."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
