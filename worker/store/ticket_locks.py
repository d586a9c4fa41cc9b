"""Short leases on tickets while one path diffs them with the mirror and logs their events (ingest/absorb.py).

The poller, the webhook receiver and a hinted read may each hold a different state of one ticket; diffing both
against the same old snapshot would log the older change twice. Each takes the tickets it is about to absorb
here first (`<ns>:absorbing:<org>:<ticket>`, SET NX PX); a lease lapses if its holder dies.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis as redis_lib

from worker.store.keys import Keys
from worker.store.scripts import register


class TicketLocks:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key
        self._release = register(redis, "lease_release")

    def take(self, org_id: str, ticket_ids: Iterable[str], owner: str, lease_ms: int) -> set[str]:
        """Take what is free of `ticket_ids` (one round trip); the ids taken."""
        ids = list(ticket_ids)
        pipe = self.redis.pipeline(transaction=False)
        for ticket_id in ids:
            pipe.set(self.key("absorbing", org_id, ticket_id), owner, nx=True, px=lease_ms)
        return {ticket_id for ticket_id, taken in zip(ids, pipe.execute(), strict=True) if taken}

    def release(self, org_id: str, ticket_ids: Iterable[str], owner: str) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for ticket_id in ticket_ids:
            self._release(keys=[self.key("absorbing", org_id, ticket_id)], args=[owner], client=pipe)
        pipe.execute()
