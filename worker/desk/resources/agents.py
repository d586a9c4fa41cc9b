"""Agents (read-only here). An agent's `zuid` is what @mentions use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from worker.desk.models import Agent
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, Resource, includes, seg

BY_IDS_MAX = 50  # the vendor's limit of ids a call


class AgentsResource(Resource):
    def get(self, agent_id: str, *, include: Include = None) -> Agent:
        """`include`: profile, role, associatedDepartments, associatedChatDepartments."""
        return self._get_one(Agent, f"/agents/{seg(agent_id)}", {"include": includes(include)})

    def by_ids(self, agent_ids: Sequence[str]) -> list[Agent]:
        """GET /agentsByIds, BY_IDS_MAX ids a call, in the order given; ids naming no agent are left out."""
        unique = list(dict.fromkeys(agent_ids))
        return [
            agent
            for start in range(0, len(unique), BY_IDS_MAX)
            for agent in self._get_list(
                Agent, "/agentsByIds", {"agentIds": ",".join(seg(i) for i in unique[start : start + BY_IDS_MAX])}
            )
        ]

    def list(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, status: str | None = None, include: Include = None
    ) -> list[Agent]:
        """`status`: ACTIVE or DISABLED."""
        return self._get_list(
            Agent, "/agents", {"from": from_, "limit": limit, "status": status, "include": includes(include)}
        )

    def iter(
        self,
        *,
        status: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Agent]:
        return self._iter_list(
            Agent,
            "/agents",
            {"status": status, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )
