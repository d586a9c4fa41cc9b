"""The scheduler's loop: one round every `interval_s`, and after failures a growing pause with one clear log.

A round that fails because Redis is away is an operational failure: one warning line naming it, as the health
check reports the same. Anything else is a bug or a surprise: logged with its traceback so it can be fixed. Either
way the pause doubles with each failure in a row (up to `MAX_BACKOFF_S`), so a persistent fault neither floods the
log every 0.25 s nor hammers a Redis that is restarting; the first success returns to the normal pace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import redis
import structlog

log = structlog.get_logger(__name__)
MAX_BACKOFF_S = 30.0


def pause_after(failures: int, interval_s: float) -> float:
    """How long to wait before the next round, after `failures` failed rounds in a row."""
    if failures <= 0:
        return interval_s
    return min(interval_s * 2**failures, MAX_BACKOFF_S)


@dataclass
class RoundLoop:
    run_round: Callable[[], None]
    wait: Callable[[float], bool]  # sleeps up to the given seconds; True when the loop must stop
    interval_s: float = 0.25
    failures: int = 0

    def run(self) -> None:
        while not self.wait(self.step()):
            pass

    def step(self) -> float:
        """One round; returns the pause before the next."""
        try:
            self.run_round()
        except redis.RedisError as exc:
            self.failures += 1
            log.warning(
                "scheduler.round_failed",
                error=str(exc) or type(exc).__name__,
                failures=self.failures,
                hint="Redis is not answering; check DESKPILOT_REDIS_URL and the Redis server",
            )
        except Exception:
            self.failures += 1
            log.exception("scheduler.round_error", failures=self.failures)
        else:
            self.failures = 0
        return pause_after(self.failures, self.interval_s)
