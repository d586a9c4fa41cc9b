"""Mail reply addresses: the From addresses a reply may use."""

from __future__ import annotations

from collections.abc import Iterator

from worker.desk.models import MailReplyAddress
from worker.desk.paging import MAX_LIMIT
from worker.desk.resources._base import Resource


class MailReplyAddressesResource(Resource):
    def list(
        self,
        *,
        department_id: str | None = None,
        is_active: bool | None = None,
        from_: int | None = None,
        limit: int | None = None,
    ) -> list[MailReplyAddress]:
        """One page (the seed documents no paging here; the vendor's spec adds from/limit, sent only when given)."""
        return self._get_list(
            MailReplyAddress,
            "/mailReplyAddress",
            {"departmentId": department_id, "isActive": is_active, "from": from_, "limit": limit},
        )

    def iter(
        self, *, department_id: str | None = None, is_active: bool | None = None, page_size: int = MAX_LIMIT
    ) -> Iterator[MailReplyAddress]:
        return self._iter_list(
            MailReplyAddress,
            "/mailReplyAddress",
            {"departmentId": department_id, "isActive": is_active},
            page_size=page_size,
        )
