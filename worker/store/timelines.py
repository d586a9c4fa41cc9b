"""Per-ticket timelines for SLA clocks (customer messages, agent responses, status changes), and fired levels.

Kept beside the mirror (one hash per org), written by the poller as it sees changes, read by the SLA sweep;
the fired escalation levels of each ticket are a set, so a level fires once per clock cycle.
"""

from __future__ import annotations

from worker.store.replies import texts
from worker.store.ticket_hash import TicketHash

FIRED_RETENTION_S = 90 * 24 * 3600


class Timelines(TicketHash):
    family = "timeline"

    def fired(self, org_id: str, ticket_id: str) -> set[str]:
        return set(texts(self.redis.smembers(self.key("slafired", org_id, ticket_id))))

    def fired_many(self, org_id: str, ticket_ids: list[str]) -> dict[str, set[str]]:
        pipe = self.redis.pipeline(transaction=False)
        for ticket_id in ticket_ids:
            pipe.smembers(self.key("slafired", org_id, ticket_id))
        return {ticket_id: set(members) for ticket_id, members in zip(ticket_ids, pipe.execute(), strict=True)}

    def mark_fired(self, org_id: str, ticket_id: str, level_key: str) -> bool:
        """True when this level had not fired yet for the ticket (the caller then records its actions)."""
        name = self.key("slafired", org_id, ticket_id)
        added = self.redis.sadd(name, level_key)
        self.redis.expire(name, FIRED_RETENTION_S)
        return bool(added)
