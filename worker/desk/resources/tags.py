"""Ticket tags (the vendor's TicketTag.json): GET /tickets/{id}/tags answers {"tags": [...]} (not "data", not
paged); POST /tickets/{id}/associateTag and /dissociateTag take {"tags": [names]} (1 to 51 names of 3 to 50
characters). Both writes are idempotent: a tag the ticket has is associated again without effect, one it lacks
is dissociated without effect. Scopes: Desk.tickets.READ to read, Desk.tickets.CREATE to write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from worker.desk.budget import Priority
from worker.desk.errors import MalformedResponse
from worker.desk.models.common import DeskModel, Id
from worker.desk.resources._base import PriorityArg, Resource, seg

MAX_TAGS_PER_CALL = 51


class Tag(DeskModel):
    id: Id
    name: str
    tagType: str | None = None


class TagsResource(Resource):
    def for_ticket(self, ticket_id: str) -> list[Tag]:
        path = f"/tickets/{seg(ticket_id)}/tags"
        body = self._t.request("GET", path)
        if body is None:
            return []
        if not isinstance(body, Mapping) or not isinstance(body.get("tags"), list):
            raise MalformedResponse('expected {"tags": [...]}', method="GET", path=path)
        return self._many(Tag, {"data": body["tags"]}, "GET", path)

    def associate(self, ticket_id: str, names: Sequence[str], *, priority: PriorityArg = Priority.NORMAL) -> None:
        self._tag_write(ticket_id, "associateTag", names, priority)

    def dissociate(self, ticket_id: str, names: Sequence[str], *, priority: PriorityArg = Priority.NORMAL) -> None:
        self._tag_write(ticket_id, "dissociateTag", names, priority)

    def _tag_write(self, ticket_id: str, verb: str, names: Sequence[str], priority: PriorityArg) -> None:
        names = list(names)
        for start in range(0, len(names), MAX_TAGS_PER_CALL):
            self._t.request(
                "POST",
                f"/tickets/{seg(ticket_id)}/{verb}",
                json={"tags": names[start : start + MAX_TAGS_PER_CALL]},
                idempotent=True,
                priority=priority,
            )
