"""The action ledger: what every planned action is, who holds it, whether it may already have been written.

Effectively once: `claim` takes a lease (SET NX PX) so one worker acts at a time; an attempt is counted
(`count_attempt_in`) before its write leaves, so any later attempt knows a write may have happened and verifies
first; `finish` marks it done for good. A lease that expires (its worker died) lets the reconciler send the action
again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis as redis_lib
from redis.client import Pipeline
from redis.typing import EncodableT, FieldT

from worker.store.keys import Keys, server_ms
from worker.store.leases import Leases
from worker.store.records import LedgerAction
from worker.store.replies import optional_text, text_map, texts
from worker.store.scripts import register

RETENTION_S = 7 * 24 * 3600
DEFAULT_LEASE_MS = 60_000
DEFAULT_DEADLINE_MS = 120_000
PICK_FIELD = "picked"  # the agent an assign action's strategy picked, kept with the action
FIRST_ATTEMPT_FIELD = "first_attempt_ms"  # when the first attempt started (actions/settle.py, lookback.py)
SETTLES_FIELD = "settles_at_ms"  # until when the attempt's last write may still land (actions/settle.py)
FINAL_STATES = frozenset({"done", "failed", "dry_run", "skipped"})  # skipped: an earlier action of its rule failed


@dataclass(frozen=True)
class ActionRecord:
    id: str
    action: LedgerAction
    state: str
    attempts: int
    outcome: str
    pick: str | None = None  # an assign action's picked agent (remember_pick)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


class ActionLedger:
    def __init__(self, redis: redis_lib.Redis, keys: Keys, deadline_ms: int = DEFAULT_DEADLINE_MS) -> None:
        self.redis = redis
        self.key = keys.key
        self.leases = Leases(redis)
        self.deadline_ms = deadline_ms  # after this, an unfinished action is sent again by the reconciler
        self._record = register(redis, "action_record")

    def record(self, action_id: str, action: LedgerAction) -> bool:
        """Write the planned action once, atomically with its deadline (a crash between them would leave an
        action no one sends); True when it is new (and so must be sent). A new action has no `state`, `attempts`
        or `outcome` field: `get` reads their absence as planned, 0 and empty."""
        return self.record_and_claim(action_id, action, "", 0)[0]

    def record_and_claim(self, action_id: str, action: LedgerAction, owner: str, lease_ms: int) -> tuple[bool, bool]:
        """`record`, and a new action claimed for `owner` in the same script (not when `owner` is empty): a worker
        acting on it at once needs no claim and read after. (new, claimed)."""
        created = self._record(
            keys=[
                self.key("action", action_id),
                self.key("actions", "pending"),
                self.key("action", action_id, "claim"),
            ],
            args=[action.encode(), RETENTION_S, server_ms(self.redis) + self.deadline_ms, action_id, owner, lease_ms],
        )
        return bool(created), created == 2

    def get(self, action_id: str) -> ActionRecord | None:
        return self._record_of(action_id, self.redis.hgetall(self.key("action", action_id)))

    def _record_of(self, action_id: str, raw: Mapping[Any, Any]) -> ActionRecord | None:
        data = text_map(raw)
        if not data or "action" not in data:
            return None
        return ActionRecord(
            id=action_id,
            action=LedgerAction.decode(data["action"]),
            state=data.get("state", "planned"),
            attempts=int(data.get("attempts", 0)),
            outcome=data.get("outcome", ""),
            pick=data.get(PICK_FIELD) or None,
        )

    def remember_pick(self, action_id: str, agent_id: str) -> str:
        """Keep the agent an assign action picked; the first pick wins (a retry, or a racing delivery, assigns
        the same agent). Returns the pick that is kept."""
        name = self.key("action", action_id)
        if self.redis.hsetnx(name, PICK_FIELD, agent_id):
            return agent_id
        return optional_text(self.redis.hget(name, PICK_FIELD)) or agent_id

    def pick(self, action_id: str) -> str | None:
        """The agent remembered for this assign action, if it picked one."""
        return optional_text(self.redis.hget(self.key("action", action_id), PICK_FIELD)) or None

    def claim(self, action_id: str, owner: str, lease_ms: int = DEFAULT_LEASE_MS) -> bool:
        return self.leases.take(self.key("action", action_id, "claim"), owner, lease_ms)

    def claim_and_get(
        self, action_id: str, owner: str, lease_ms: int = DEFAULT_LEASE_MS
    ) -> tuple[bool, ActionRecord | None]:
        """Claim, and read the action in the same round trip: the read counts only when the claim was taken (it
        ran after the claim, so nothing another holder wrote before it is missed)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.key("action", action_id, "claim"), owner, nx=True, px=lease_ms)
        pipe.hgetall(self.key("action", action_id))
        claimed, data = pipe.execute()
        return (True, self._record_of(action_id, data)) if claimed else (False, None)

    def release(self, action_id: str, owner: str) -> None:
        self.leases.release(self.key("action", action_id, "claim"), owner)

    def begin_attempt(self, action_id: str) -> int:
        """Count an attempt at once (tools and tests; an enforced attempt counts through `count_attempt_in`)."""
        return int(self.redis.hincrby(self.key("action", action_id), "attempts", 1))

    def count_attempt_in(
        self, pipe: Pipeline, action_id: str, started_ms: int, *, first: bool, settles_at_ms: int | None
    ) -> None:
        """Count an attempt (and keep the first one's start) on the caller's pipeline, which runs before the write
        leaves, with when that write may land until (`settles_at_ms`, actions/settle.py). `first`: none was counted
        when read under the claim, so count and start are one HSET. Two workers that both read none (a lease that
        lapsed mid-attempt) both write 1; what matters is that it is not 0, so any later attempt verifies first."""
        name = self.key("action", action_id)
        if first:
            fields: dict[FieldT, EncodableT] = {"attempts": 1, FIRST_ATTEMPT_FIELD: started_ms}
            if settles_at_ms is not None:
                fields[SETTLES_FIELD] = settles_at_ms
            pipe.hset(name, mapping=fields)
            return
        pipe.hsetnx(name, FIRST_ATTEMPT_FIELD, started_ms)
        pipe.hincrby(name, "attempts", 1)
        if settles_at_ms is not None:
            self.mark_settles_in(pipe, action_id, settles_at_ms)

    def mark_settles_in(self, pipe: Pipeline, action_id: str, settles_at_ms: int) -> None:
        """Until when the attempt's latest write may still land (0: the Desk answered, nothing is on its way)."""
        pipe.hset(self.key("action", action_id), SETTLES_FIELD, settles_at_ms)

    def finish(self, action_id: str, state: str, outcome: str = "") -> None:
        pipe = self.redis.pipeline(transaction=False)
        self.finish_in(pipe, action_id, state, outcome)
        pipe.execute()

    def finish_in(
        self, pipe: Pipeline, action_id: str, state: str, outcome: str = "", *, drop_claim: bool = False
    ) -> None:
        """Final state first, then out of the pending set: if the second write is lost, the reconciler re-sends an
        action that is already final, which the enforcer ignores. `drop_claim`: the finishing holder's claim is
        deleted after the final state (no owner check needed: whoever claims after reads the action final).
        Queued on the caller's pipeline, so the audit entry goes in the same round trip."""
        pipe.hset(self.key("action", action_id), mapping={"state": state, "outcome": outcome[:500]})
        pipe.zrem(self.key("actions", "pending"), action_id)
        if drop_claim:
            pipe.delete(self.key("action", action_id, "claim"))

    def reopen(self, action_id: str) -> None:
        """A failed action sent again by `deskpilot dlq retry`: planned once more, attempts kept (verify first)."""
        pipe = self.redis.pipeline()
        pipe.hset(self.key("action", action_id), mapping={"state": "planned", "outcome": ""})
        pipe.zadd(self.key("actions", "pending"), {action_id: server_ms(self.redis) + self.deadline_ms})
        pipe.execute()

    def postpone(self, action_id: str, delay_ms: int) -> None:
        """Move the reconciler's deadline past a planned delay (a 429's Retry-After)."""
        self.redis.zadd(
            self.key("actions", "pending"), {action_id: server_ms(self.redis) + delay_ms + self.deadline_ms}, xx=True
        )

    def drop_pending(self, action_id: str) -> None:
        self.redis.zrem(self.key("actions", "pending"), action_id)

    def is_claimed(self, action_id: str) -> bool:
        return self.leases.held(self.key("action", action_id, "claim"))

    def overdue(self, limit: int = 500) -> list[str]:
        return texts(
            self.redis.zrangebyscore(self.key("actions", "pending"), "-inf", server_ms(self.redis), start=0, num=limit)
        )

    def pending_count(self) -> int:
        return int(self.redis.zcard(self.key("actions", "pending")))
