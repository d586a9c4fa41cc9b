"""When a write that got no answer can no longer land, so that the check before sending it again tells the truth.

A write that timed out, whose connection dropped, or whose worker was killed may still be applied by the Desk
afterwards: a retry that verified at once could read before it landed and write a second time (seen with a 5 s
client timeout and a Desk taking 8 s). So every attempt notes, before anything is sent, when it has surely landed
or died: its start plus the longest the call may go on sending (the transport's retry deadline) plus
`desk_write_settle_s` (the longest the Desk takes over a write it received); that covers a worker killed
mid-call. When the call ends without an answer, the mark becomes the end plus `desk_write_settle_s`; when the
Desk answered (even with an error) or nothing was sent, the attempt is over at once. A later attempt verifies only
once the mark has passed; before it, WriteSettling (a RateLimited) sends the action back for then.

Why waiting rather than idempotent writes: the Desk takes no idempotency key, and the markers deskpilot puts in
comments, replies, tasks and time entries are found only by reading, which is what races the late write.
The first attempt's start is kept too: the action's own record cannot be older (see lookback.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from worker.desk.errors import DeskError, OutcomeUnknown, RateLimited
from worker.store import Store
from worker.store.keys import key, server_ms

SETTLES_FIELD = "settles_at_ms"  # in the ledger's record of the action
FIRST_FIELD = "first_attempt_ms"


class WriteSettling(RateLimited):
    """An earlier attempt got no answer and may still be applied: verify (and maybe write) after `retry_after`."""

    default_code = "WRITE_SETTLING"


def begin(store: Store, action_id: str, call_s: float, settle_s: float) -> None:
    """Note when this attempt will have landed or died (`call_s`: the longest one call may go on sending), then
    count it; before anything is sent."""
    now = server_ms(store.redis)
    name = key("action", action_id)
    pipe = store.redis.pipeline()
    pipe.hsetnx(name, FIRST_FIELD, now)
    pipe.hset(name, SETTLES_FIELD, now + int((call_s + settle_s) * 1000))
    pipe.execute()
    store.ledger.begin_attempt(action_id)


def end(store: Store, action_id: str, error: BaseException, settle_s: float) -> None:
    """The attempt failed with `error`: over at once when the Desk answered or nothing was sent; `settle_s` from
    now when its last send got no answer."""
    if isinstance(error, OutcomeUnknown) and error.status is None:
        store.redis.hset(key("action", action_id), SETTLES_FIELD, server_ms(store.redis) + int(settle_s * 1000))
    elif isinstance(error, DeskError):
        store.redis.hset(key("action", action_id), SETTLES_FIELD, 0)


def wait_for_earlier(store: Store, action_id: str) -> None:
    """Raise WriteSettling while an earlier attempt may still land."""
    left_ms = int(store.redis.hget(key("action", action_id), SETTLES_FIELD) or 0) - server_ms(store.redis)
    if left_ms > 0:
        raise WriteSettling(
            f"an earlier attempt got no answer and may still be applied; it is checked for in {left_ms / 1000:.1f}s",
            retry_after=left_ms / 1000,
        )


def first_attempt(store: Store, action_id: str) -> datetime | None:
    """When the action's first attempt started (None for one recorded before this was kept)."""
    raw = store.redis.hget(key("action", action_id), FIRST_FIELD)
    return datetime.fromtimestamp(int(raw) / 1000, tz=timezone.utc) if raw else None
