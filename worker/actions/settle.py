"""When a write that got no answer can no longer land, so that the check before sending it again tells the truth.

A write that timed out, whose connection dropped, or whose worker was killed may still be applied by the Desk
afterwards: a retry that verified at once could read before it landed and write a second time (seen with a 5 s
client timeout and a Desk taking 8 s). So just before each try of a write leaves (the transport's WRITE_SENDING
hook), the ledger notes when it has surely landed or died: then plus `desk_write_settle_s`, the longest the Desk
takes over a write it received. That covers a worker killed mid-call too. When the Desk answered (even with an
error) the attempt is over at once. A later attempt verifies only once the mark has passed; before it,
WriteSettling (a RateLimited) sends the action back for then.

Why waiting rather than idempotent writes: the Desk takes no idempotency key, and the markers deskpilot puts in
comments, replies, tasks and time entries are found only by reading, which is what races the late write.
The first attempt's start is kept too: the action's own record cannot be older (see lookback.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from worker.desk.errors import DeskError, OutcomeUnknown, RateLimited
from worker.desk.transport import WRITE_SENDING
from worker.store import Store
from worker.store.keys import server_ms
from worker.store.ledger import FIRST_ATTEMPT_FIELD, SETTLES_FIELD


class WriteSettling(RateLimited):
    """An earlier attempt got no answer and may still be applied: verify (and maybe write) after `retry_after`."""

    default_code = "WRITE_SETTLING"


@contextmanager
def attempt(store: Store, action_id: str, settle_s: float, earlier: int | None = None) -> Iterator[None]:
    """One attempt. Just before each write leaves, one round trip writes what must precede it: the attempt's count
    (and start) with the first, the mark of when it may land until, and the own-write expectations gathered since.
    An attempt that sent no Desk write (an outbound delivery, a refusal before sending, nothing to do) writes only
    its count when it ends, and when the Desk answered, the attempt is over at once. `earlier`: the attempts the
    caller read under its claim (0: the first, counted with its start in one write; None: not known)."""
    counted = False

    def write_before(settles_at_ms: int | None) -> None:
        nonlocal counted
        pipe = store.redis.pipeline(transaction=False)
        store.own_writes.send_unsent_in(pipe)
        if not counted:
            store.ledger.count_attempt_in(pipe, action_id, started_ms, first=earlier == 0, settles_at_ms=settles_at_ms)
            counted = True
        elif settles_at_ms is not None:
            store.ledger.mark_settles_in(pipe, action_id, settles_at_ms)
        pipe.execute()

    started_ms = server_ms(store.redis)
    token = WRITE_SENDING.set(lambda: write_before(server_ms(store.redis) + int(settle_s * 1000)))
    try:
        yield
    except DeskError as error:
        if not (isinstance(error, OutcomeUnknown) and error.status is None):
            write_before(0)
        raise
    finally:
        WRITE_SENDING.reset(token)
        if not counted:
            write_before(None)


def wait_for_earlier(store: Store, action_id: str) -> None:
    """Raise WriteSettling while an earlier attempt may still land."""
    left_ms = int(store.redis.hget(store.keys.key("action", action_id), SETTLES_FIELD) or 0) - server_ms(store.redis)
    if left_ms > 0:
        raise WriteSettling(
            f"an earlier attempt got no answer and may still be applied; it is checked for in {left_ms / 1000:.1f}s",
            retry_after=left_ms / 1000,
        )


def first_attempt(store: Store, action_id: str) -> datetime | None:
    """When the action's first attempt started (None for one recorded before this was kept)."""
    raw = store.redis.hget(store.keys.key("action", action_id), FIRST_ATTEMPT_FIELD)
    return datetime.fromtimestamp(int(raw) / 1000, tz=timezone.utc) if raw else None
