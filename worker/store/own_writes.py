"""Changes deskpilot itself is about to make, so the poller can tag them and rules don't react to their own writes.

Before a write, the action records what the poller will see: a field's new value, or a comment carrying the
action's marker. An expectation is precise so that a person's change is never taken for ours:
- a field change is ours only if the value matches and the ticket was modified after the attempt started;
- a comment is ours only if its content carries the marker of an action that expected it (see loop_guard.py);
- an attempt that certainly did not land (the Desk refused it, or no call was made) withdraws its expectations;
- whatever is left (an outcome never learned) lapses after TTL_S.

Inside an attempt the expectations wait in the attempt's own context until its write is about to leave: the
attempt's owner (actions/settle.py) sends them with its own pre-send writes in one round trip (`send_unsent_in`),
and an attempt that sent no write drops them (nothing of it can land). The places sent are kept in that context
too (the withdrawal comes from the same attempt, and a worker that dies withdraws nothing either way); only
expectations recorded outside an attempt get the per-action index set `own-by-action:<action>` a later `withdraw`
reads.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import redis as redis_lib
from redis.client import Pipeline
from redis.typing import EncodableT, FieldT

from worker.store.keys import Keys, server_ms
from worker.store.replies import text_map
from worker.store.scripts import register

# Long enough for a poll to see the write (poll interval plus index lag), short enough that a stale one is harmless.
TTL_S = 600
# The Desk stamps modifiedTime with its own clock; ours (Redis's) may run this far ahead of it.
CLOCK_ALLOWANCE_MS = 2_000


class OwnWrites:
    def __init__(self, redis: redis_lib.Redis, keys: Keys, ttl_s: int = TTL_S) -> None:
        self.redis = redis
        self.key = keys.key
        self.ttl_s = ttl_s
        self._consume_fields = register(redis, "own_consume_fields")
        self._withdraw = register(redis, "own_withdraw")
        self._withdraw_at = register(redis, "own_withdraw_places")

    def expect_fields(self, org_id: str, ticket_id: str, fields: Mapping[str, Any], action_id: str) -> None:
        """`fields` are keyed as change paths (customFields.<name>); one expectation per field, the latest wins."""
        name = self.key("own", org_id, ticket_id)
        since = server_ms(self.redis)
        entries = {
            field: self._entry(action_id, since, value=json.dumps(value, sort_keys=True))
            for field, value in fields.items()
        }
        self._record(action_id, name, entries)

    def expect_comment(self, org_id: str, ticket_id: str, action_id: str, marker: str) -> None:
        name = self.key("own", org_id, ticket_id, "comments")
        self._record(action_id, name, {action_id: self._entry(action_id, server_ms(self.redis), marker=marker)})

    @contextmanager
    def attempt(self, action_id: str, not_applied: tuple[type[BaseException], ...]) -> Iterator[None]:
        """Around a write: expectations wait for `send_unsent_in`; when the attempt fails with one of `not_applied`
        (errors that prove nothing landed; the caller knows its client's errors), those sent are withdrawn."""
        current = _Attempt()
        token = _ATTEMPT.set(current)
        try:
            yield
        except not_applied:
            self._withdraw_places(action_id, current.places)
            raise
        finally:
            _ATTEMPT.reset(token)

    def send_unsent_in(self, pipe: Pipeline) -> None:
        """Queue the expectations this context's attempt gathered since the last call on `pipe` (the caller
        executes it before its write leaves)."""
        current = _ATTEMPT.get()
        if current is None:
            return
        for name, entries in current.unsent:
            pipe.hset(name, mapping=entries)
            pipe.expire(name, self.ttl_s)
            current.places.extend((name, str(field)) for field in entries)
        current.unsent.clear()

    def _withdraw_places(self, action_id: str, places: list[tuple[str, str]]) -> None:
        if places:
            self._withdraw_at(keys=[name for name, _ in places], args=[action_id, *(field for _, field in places)])

    def withdraw(self, action_id: str) -> None:
        """Forget what this action expected (where a later action has not replaced it)."""
        self._withdraw(keys=[self.key("own-by-action", action_id)], args=[action_id])

    def consume_fields(
        self, org_id: str, ticket_id: str, changes: Mapping[str, Any], modified_at: datetime | None
    ) -> set[str]:
        """The changed fields whose new value deskpilot wrote in this change; those expectations are used up."""
        argv: list[Any] = []
        for field, (_, new) in changes.items():
            argv += [field, json.dumps(new, sort_keys=True)]
        if not argv:
            return set()
        # A change with no time cannot be placed after our attempt: it is not taken for ours.
        modified_ms = int(modified_at.timestamp() * 1000) + CLOCK_ALLOWANCE_MS if modified_at else 0
        head = [server_ms(self.redis), self.ttl_s * 1000, modified_ms]
        return set(self._consume_fields(keys=[self.key("own", org_id, ticket_id)], args=[*head, *argv]))

    def pending_comments(self, org_id: str, ticket_id: str) -> dict[str, str]:
        """Action id -> marker of each comment deskpilot may have posted on the ticket and the poller has not seen."""
        oldest = server_ms(self.redis) - self.ttl_s * 1000
        pending = {}
        for action_id, raw in text_map(self.redis.hgetall(self.key("own", org_id, ticket_id, "comments"))).items():
            entry = json.loads(raw)
            if entry["since"] >= oldest:
                pending[action_id] = entry["marker"]
        return pending

    def consume_comments(self, org_id: str, ticket_id: str, action_ids: Iterable[str]) -> None:
        ids = list(action_ids)
        if ids:
            self.redis.hdel(self.key("own", org_id, ticket_id, "comments"), *ids)

    def _entry(self, action_id: str, since: int, **data: str) -> str:
        return json.dumps({"action": action_id, "since": since, **data})

    def _record(self, action_id: str, name: str, entries: Mapping[str, str]) -> None:
        """Inside an attempt: kept until its write leaves (`send_unsent_in`). Outside one: one round trip, no
        transaction (a write lost between them leaves an expectation that lapses at TTL_S), with the index set."""
        current = _ATTEMPT.get()
        if current is not None:
            current.unsent.append((name, {field: entry for field, entry in entries.items()}))
            return
        pipe = self.redis.pipeline(transaction=False)
        fields: dict[FieldT, EncodableT] = {field: entry for field, entry in entries.items()}
        pipe.hset(name, mapping=fields)
        pipe.expire(name, self.ttl_s)
        index = self.key("own-by-action", action_id)
        pipe.sadd(index, *(json.dumps([name, field]) for field in entries))
        pipe.expire(index, self.ttl_s)
        pipe.execute()


@dataclasses.dataclass
class _Attempt:
    """The expectations of the attempt running in this context: gathered, not yet sent (hash, fields), and the
    (hash, field) places sent (what a refusal withdraws)."""

    unsent: list[tuple[str, dict[FieldT, EncodableT]]] = dataclasses.field(default_factory=list)
    places: list[tuple[str, str]] = dataclasses.field(default_factory=list)


_ATTEMPT: ContextVar[_Attempt | None] = ContextVar("deskpilot_own_attempt", default=None)
