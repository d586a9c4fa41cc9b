"""Tickets: GET/POST/PATCH /tickets[/{id}], merge, move, split, updateMany, markSpam.

Idempotency (what the transport may retry when the outcome is unknown): PATCH (sets fields), move (to a fixed
department), updateMany (sets one field on fixed ids) and markSpam (sets a flag) are idempotent; create, merge and
split are not (a second try would create or merge again, or fail half-way).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from worker.desk.budget import Priority
from worker.desk.errors import MalformedResponse
from worker.desk.models import Ticket, TicketCreate, TicketUpdate
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Include, PriorityArg, RecordResource, includes, seg


class TicketsResource(RecordResource[Ticket, TicketCreate, TicketUpdate]):
    """`get(include=)`: contacts, products, assignee, departments, team, isRead (comma list or sequence)."""

    path = "tickets"
    model = Ticket

    @staticmethod
    def _filters(
        department_id: str | None,
        assignee: str | Sequence[str] | None,
        channel: str | Sequence[str] | None,
        status: str | Sequence[str] | None,
        sort_by: str | None,
        received_in_days: int | None,
        include: Include,
    ) -> dict[str, Any]:
        return {
            "departmentId": department_id,
            "assignee": assignee,
            "channel": channel,
            "status": status,
            "sortBy": sort_by,
            "receivedInDays": received_in_days,
            "include": includes(include),
        }

    def list(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        department_id: str | None = None,
        assignee: str | Sequence[str] | None = None,
        channel: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        sort_by: str | None = None,
        received_in_days: int | None = None,
        include: Include = None,
    ) -> list[Ticket]:
        """One page. `sort_by`: dueDate, recentThread, createdTime... (`-` prefix: descending)."""
        params = self._filters(department_id, assignee, channel, status, sort_by, received_in_days, include)
        return self._get_list(Ticket, "/tickets", {**params, "from": from_, "limit": limit})

    def iter(
        self,
        *,
        department_id: str | None = None,
        assignee: str | Sequence[str] | None = None,
        channel: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        sort_by: str | None = None,
        received_in_days: int | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Ticket]:
        """Every ticket, page by page (ends on 204 or a short page)."""
        params = self._filters(department_id, assignee, channel, status, sort_by, received_in_days, include)
        return self._iter_list(Ticket, "/tickets", params, page_size=page_size, max_items=max_items)

    def iter_items(
        self, *, include: Include = None, page_size: int = MAX_LIMIT, max_items: int | None = None
    ) -> Iterator[Any]:
        """Every ticket as the Desk sent it (unparsed, malformed ones included), page by page: how the poller scans
        where search is refused."""
        return self._iter_items("/tickets", {"include": includes(include)}, page_size=page_size, max_items=max_items)

    def get_fields(self, ticket_id: str) -> dict[str, Any]:
        """The ticket as the Desk sent it, every field and value unparsed: for comparing with values as they were
        written (an update's fields, custom fields and all). MalformedResponse when the answer is not an object."""
        path = f"/tickets/{seg(ticket_id)}"
        body = self._t.request("GET", path)
        if not isinstance(body, Mapping):
            raise MalformedResponse("expected a Ticket object", method="GET", path=path)
        return dict(body)

    def merge(
        self,
        ticket_id: str,
        ids: Sequence[str],
        *,
        source: Mapping[str, str] | None = None,
        priority: PriorityArg = Priority.NORMAL,
    ) -> Ticket:
        """Merge `ids` into `ticket_id`; `source` picks which ticket each field comes from ({"subject": id})."""
        body: dict[str, Any] = {"ids": [str(i) for i in ids]}
        if source:
            body["source"] = dict(source)
        return self._write(
            Ticket, "POST", f"/tickets/{seg(ticket_id)}/merge", json=body, idempotent=False, priority=priority
        )

    def move(self, ticket_id: str, department_id: str, *, priority: PriorityArg = Priority.NORMAL) -> Any:
        """Move to another department (`?departmentId=`, as the seed documents). Returns the Desk's body, if any."""
        return self._write(
            None,
            "POST",
            f"/tickets/{seg(ticket_id)}/move",
            params={"departmentId": str(department_id)},
            idempotent=True,
            priority=priority,
        )

    def split(self, ticket_id: str, thread_id: str, *, priority: PriorityArg = Priority.NORMAL) -> Ticket:
        """Split a thread into a new ticket (the real path is /threads/{id}/split)."""
        return self._write(
            Ticket,
            "POST",
            f"/tickets/{seg(ticket_id)}/threads/{seg(thread_id)}/split",
            idempotent=False,
            priority=priority,
        )

    def update_many(
        self,
        ids: Sequence[str],
        field_name: str,
        field_value: Any,
        *,
        is_custom_field: bool = False,
        priority: PriorityArg = Priority.NORMAL,
    ) -> Any:
        """Set one field on many tickets (POST /tickets/updateMany)."""
        body = {
            "ids": [str(i) for i in ids],
            "fieldName": field_name,
            "fieldValue": field_value,
            "isCustomField": is_custom_field,
        }
        return self._write(None, "POST", "/tickets/updateMany", json=body, idempotent=True, priority=priority)

    def mark_spam(self, ids: Sequence[str], *, is_spam: bool = True, priority: PriorityArg = Priority.NORMAL) -> Any:
        body = {"ids": [str(i) for i in ids], "isSpam": is_spam}
        return self._write(None, "POST", "/tickets/markSpam", json=body, idempotent=True, priority=priority)
