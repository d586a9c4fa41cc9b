"""Fewer Redis commands per dramatiq message: fetch, ack and enqueue by deskpilot's own Lua, heartbeats throttled.

dramatiq's Redis broker runs one Lua script per command that writes the broker's heartbeat on every call and
fetches k messages with one LPOP and one SADD each: 3 + 2k commands per fetch, 4 per ack, 4 per enqueue. Here a
fetch is LPOP with a count, one SADD and one HMGET (4 commands for any k), an ack SREM and HDEL (3), an enqueue
HSET and RPUSH with the wake token of wake.py's broker in the same call (4 or 5, where two scripts took 6 or 7),
and the heartbeat ZADD rides along at most once every HEARTBEAT_EVERY_S. Keys and their meaning stay dramatiq's,
so dramatiq's maintenance (run by dramatiq's own script on the fetches and enqueues where dramatiq would run it),
its other commands (nack, requeue, delayed queues) and brokers running dramatiq's plain script on the same queues
(a rolling upgrade) keep working.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis
from redis.commands.core import Script

# A broker is dead to dramatiq's maintenance (its fetched messages requeued) once its newest heartbeat is older than
# heartbeat_timeout (60 s by default). A broker that fetches or acks writes one at least every HEARTBEAT_EVERY_S, so
# its newest is at most 5 s old, leaving 55 s for a stalled process (a pause, a slow Redis) before it is counted
# dead; a shorter heartbeat_timeout shortens the interval to keep that share. A broker whose consumers all have full
# prefetch on long tasks sends no fetch, hence no heartbeat, in dramatiq's own broker too: that case is unchanged.
HEARTBEAT_EVERY_S = 5.0
TIMEOUT_SHARE = 0.25  # with a shorter heartbeat_timeout, a heartbeat every quarter of it at least


def script_source(name: str) -> str:
    return resources.files(__package__).joinpath("lua", f"{name}.lua").read_text(encoding="utf-8")


class HeartbeatThrottle:
    """When this broker's next heartbeat is due; shared by its consumer and worker threads, hence the lock.

    Maintenance finds a broker only through its heartbeat: if Redis loses the zset (a restart without persistence)
    while this broker's calls still succeed, it is missing until its next heartbeat, at most one interval later.
    """

    def __init__(self, every_s: float) -> None:
        self.every_s = every_s
        self.last = -math.inf  # the first call always writes one: maintenance only finds brokers in the zset
        self.lock = threading.Lock()

    def claim(self) -> bool:
        """True when a heartbeat is due, counting it as written (so two threads do not both write it)."""
        with self.lock:
            now = time.monotonic()
            if now - self.last < self.every_s:
                return False
            self.last = now
            return True

    def written(self) -> None:
        """dramatiq's own script wrote one (it does on every call)."""
        with self.lock:
            self.last = time.monotonic()

    def missed(self) -> None:
        """A call that failed may not have written its heartbeat: the next call writes one."""
        with self.lock:
            self.last = -math.inf


class LeanRedisBroker(RedisBroker):
    """dramatiq's Redis broker whose fetch and ack cost a fixed few Redis commands."""

    def __init__(self, *, heartbeat_every_s: float = HEARTBEAT_EVERY_S, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fetch_script = self.client.register_script(script_source("broker_fetch"))
        self._ack_script = self.client.register_script(script_source("broker_ack"))
        self._enqueue_script = self.client.register_script(script_source("broker_enqueue"))
        self._wake_script = self.client.register_script(script_source("broker_wake"))
        self.heartbeat = HeartbeatThrottle(min(heartbeat_every_s, self.heartbeat_timeout / 1000 * TIMEOUT_SHARE))

    def wake_key_of(self, queue_name: str) -> str | None:
        """The wake list an enqueue on `queue_name` leaves a token in (none here; wake.py's broker has them)."""
        return None

    def _dispatch(self, command: str) -> Callable[..., Any]:
        """`do_fetch`, `do_ack` and `do_enqueue` run deskpilot's scripts; every other command dramatiq's."""
        if command == "fetch":
            return self._fetch
        if command == "ack":
            return self._ack
        if command == "enqueue":
            return self._enqueue
        dispatch = super()._dispatch(command)

        def dispatch_and_note(queue_name: str, *args: Any) -> Any:
            result = dispatch(queue_name, *args)
            self.heartbeat.written()
            return result

        return dispatch_and_note

    def _fetch(self, queue_name: str, count: int) -> list[bytes | None]:
        if self._should_do_maintenance("fetch"):
            fetched: list[bytes | None] = self._with_maintenance("fetch", queue_name, count)
            return fetched
        count = min(int(count), self._max_unpack_size())  # the ids are unpacked into one SADD and one HMGET
        keys = [self._heartbeats_key(), self._queue_key(queue_name), self._messages_key(queue_name)]
        result: list[bytes | None] = self._run(self._fetch_script, [*keys, self._acks_key(queue_name)], count)
        return result

    def _ack(self, queue_name: str, message_id: str) -> None:
        keys = [self._heartbeats_key(), self._messages_key(queue_name), self._acks_key(queue_name)]
        self._run(self._ack_script, keys, message_id)

    def _enqueue(self, queue_name: str, message_id: str, data: bytes) -> None:
        wake_key = self.wake_key_of(queue_name)
        if self._should_do_maintenance("enqueue"):
            self._with_maintenance("enqueue", queue_name, message_id, data)
            if wake_key is not None:
                self._wake_script(keys=[wake_key])
            return
        keys = [self._heartbeats_key(), self._queue_key(queue_name), self._messages_key(queue_name), wake_key or ""]
        self._run(self._enqueue_script, keys, message_id, data)

    def _run(self, script: Script, keys: list[str], *arguments: int | str | bytes) -> Any:
        heartbeat = self.heartbeat.claim()
        try:
            return script(keys=keys, args=[current_millis(), self.broker_id, int(heartbeat), *arguments])
        except Exception:
            if heartbeat:
                self.heartbeat.missed()
            raise

    def _with_maintenance(self, command: str, queue_name: str, *arguments: Any) -> Any:
        """dramatiq's own script with its ARGV layout and maintenance on: dramatiq's `_dispatch` would roll its
        maintenance dice a second time."""
        args = [
            command,
            current_millis(),
            queue_name,
            self.broker_id,
            self.heartbeat_timeout,
            self.dead_message_ttl,
            1,
            self._max_unpack_size(),
            *arguments,
        ]
        result = self.scripts["dispatch"](args=args, keys=[self.namespace])
        self.heartbeat.written()
        return result

    def _heartbeats_key(self) -> str:
        return f"{self.namespace}:__heartbeats__"

    def _queue_key(self, queue_name: str) -> str:
        return f"{self.namespace}:{queue_name}"

    def _messages_key(self, queue_name: str) -> str:
        return f"{self.namespace}:{queue_name}.msgs"

    def _acks_key(self, queue_name: str) -> str:
        return f"{self.namespace}:__acks__.{self.broker_id}.{queue_name}"
