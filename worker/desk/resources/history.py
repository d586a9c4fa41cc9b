"""What happened to a ticket: its history (GET /tickets/{id}/History), newest first: creation, field changes
(TicketUpdated, with each field's previous and updated value), threads, comments, tasks, time entries."""

from __future__ import annotations

from collections.abc import Iterator

from worker.desk.models import HistoryEvent
from worker.desk.resources._base import Resource, seg

HISTORY_PAGE = 50  # the most History answers a call


class HistoryResource(Resource):
    def ticket(
        self,
        ticket_id: str,
        *,
        from_: int = 0,
        limit: int = HISTORY_PAGE,
        agent_id: str | None = None,
        field_name: str | None = None,
    ) -> list[HistoryEvent]:
        """One page of the ticket's events, newest first; `field_name` keeps TicketUpdated events naming it,
        `agent_id` those that agent did."""
        params = {"from": from_, "limit": limit, "agentId": agent_id, "fieldName": field_name}
        return self._get_list(HistoryEvent, f"/tickets/{seg(ticket_id)}/History", params)

    def iter_ticket(
        self,
        ticket_id: str,
        *,
        agent_id: str | None = None,
        field_name: str | None = None,
        max_items: int | None = None,
    ) -> Iterator[HistoryEvent]:
        return self._iter_list(
            HistoryEvent,
            f"/tickets/{seg(ticket_id)}/History",
            {"agentId": agent_id, "fieldName": field_name},
            page_size=HISTORY_PAGE,
            max_items=max_items,
        )
