"""Counters kept in Redis so every process adds to one set of figures (served as Prometheus metrics).

Increments are added up in the process and written as one pipelined batch of HINCRBYFLOAT (each process writes
its own deltas, so the figures stay right however many processes count): at the end of each actor message when
FLUSH_INTERVAL_S has passed since the last write or a figure is new to this process (so a counter appears at once),
by a timer otherwise (at most FLUSH_INTERVAL_S late), at exit, and before this process reads the counters. A
process killed hard loses at most its last FLUSH_INTERVAL_S of increments: they are metrics, not state.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
import weakref

import redis as redis_lib
import structlog

from worker.store.keys import Keys
from worker.store.replies import text_map

SEPARATOR = "|"
FLUSH_INTERVAL_S = 0.25
log = structlog.get_logger(__name__)


class Counters:
    def __init__(self, redis: redis_lib.Redis, keys: Keys, flush_interval_s: float = FLUSH_INTERVAL_S) -> None:
        self.redis = redis
        self.key = keys.key
        self.flush_interval_s = flush_interval_s
        self._lock = threading.Lock()
        self._deltas: dict[str, float] = {}
        self._written: set[str] = set()  # fields this process has written at least once
        self._new = False  # a buffered field is not in _written
        self._last_flush = 0.0
        self._timer: threading.Timer | None = None
        _LIVE.add(self)

    def incr(self, name: str, *labels: str, amount: float = 1) -> None:
        field = SEPARATOR.join((name, *labels))
        with self._lock:
            self._deltas[field] = self._deltas.get(field, 0.0) + amount
            self._new = self._new or field not in self._written
            if self._timer is None:
                self._timer = threading.Timer(self.flush_interval_s, self._timed_flush)
                self._timer.daemon = True
                self._timer.start()

    def flush_if_due(self) -> None:
        """At the end of a message: write the buffered deltas if a figure is new or the interval has passed."""
        if self._deltas and (self._new or time.monotonic() - self._last_flush >= self.flush_interval_s):
            self.flush()

    def flush(self) -> None:
        """Write every buffered delta now (one round trip); on failure they are kept for the next try."""
        with self._lock:
            deltas, self._deltas, self._new = self._deltas, {}, False
            self._last_flush = time.monotonic()
        if not deltas:
            return
        try:
            pipe = self.redis.pipeline(transaction=False)
            for field, amount in deltas.items():
                pipe.hincrbyfloat(self.key("counters"), field, amount)
            pipe.execute()
        except Exception:
            with self._lock:
                for field, amount in deltas.items():
                    self._deltas[field] = self._deltas.get(field, 0.0) + amount
                self._new = self._new or any(field not in self._written for field in deltas)
            raise
        with self._lock:
            self._written.update(deltas)

    def _timed_flush(self) -> None:
        with self._lock:
            self._timer = None
        try:
            self.flush()
        except Exception as error:  # noqa: BLE001 - Redis away: kept for the next flush
            log.warning("counters.flush_failed", error=str(error))

    def set(self, name: str, *labels: str, value: float) -> None:
        self.redis.hset(self.key("gauges"), SEPARATOR.join((name, *labels)), value)

    def counters(self) -> dict[tuple[str, ...], float]:
        self.flush()  # this process's own increments included
        stored = text_map(self.redis.hgetall(self.key("counters")))
        return {tuple(field.split(SEPARATOR)): float(value) for field, value in stored.items()}

    def gauges(self) -> dict[tuple[str, ...], float]:
        stored = text_map(self.redis.hgetall(self.key("gauges")))
        return {tuple(field.split(SEPARATOR)): float(value) for field, value in stored.items()}


_LIVE: weakref.WeakSet[Counters] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for counters in list(_LIVE):
        with contextlib.suppress(Exception):  # Redis may be gone at exit; nothing more to do
            counters.flush()
