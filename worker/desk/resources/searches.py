"""Searches: across modules (/search) and per module (/tickets|contacts|accounts|tasks/search).

Criteria are passed with the Desk's own names (`subject="analysis*"`, `status="Open,On Hold"`,
`customField1="ModelName:F3*"`): a trailing `*` is a wildcard, a comma list means any of. Sequences are joined.

`iter_*` walk every result past the 5,000 cap: they sort by modifiedTime ascending and split by modifiedTimeRange
windows (paging.iter_windowed); `modified_from` / `modified_to` bound the walk (the poller passes its cursor).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Union

from worker.desk.models import Account, Contact, DeskModel, SearchPage, Task, Ticket
from worker.desk.paging import MAX_LIMIT, SEARCH_CAP, iter_windowed, time_range
from worker.desk.resources._base import M, Resource

MODULE_MODELS: dict[str, type[DeskModel]] = {
    "tickets": Ticket,
    "contacts": Contact,
    "accounts": Account,
    "tasks": Task,
}
Entity = Union[Ticket, Contact, Account, Task]
SORT_ASCENDING_MODIFIED = "modifiedTime"


def _range(modified_from: datetime | None, modified_to: datetime | None) -> str | None:
    if modified_from is None and modified_to is None:
        return None
    if modified_from is None or modified_to is None:
        raise ValueError("give both modified_from and modified_to, or neither")
    return time_range(modified_from, modified_to)


class SearchesResource(Resource):
    # -- across modules -------------------------------------------------------------------------------------------
    def all(
        self,
        search_str: str,
        *,
        module: str | None = None,
        department_id: str | None = None,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
    ) -> SearchPage[Any]:
        """GET /search: each hit parsed as the model of its `module` (unknown modules are left as dicts)."""
        path = "/search"
        body = self._t.request(
            "GET",
            path,
            params={"searchStr": search_str, "module": module, "departmentId": department_id, "from": from_,
                    "limit": limit, "sortBy": sort_by},
        )
        if body is None:
            return SearchPage[Any](data=[], count=0)
        raw = body.get("data") if isinstance(body, dict) else None
        if not isinstance(raw, list):
            return SearchPage[Any](data=self._many(Ticket, body, "GET", path))  # raises MalformedResponse
        hits: list[Any] = []
        for item in raw:
            model = MODULE_MODELS.get(str(item.get("module") or module or "")) if isinstance(item, dict) else None
            hits.append(self._one(model, item, "GET", path) if model else item)
        return SearchPage[Any](data=hits, count=body.get("count"))

    # -- per module -----------------------------------------------------------------------------------------------
    def _search(
        self, module: str, model: type[M], criteria: dict[str, Any], from_: int, limit: int, sort_by: str | None,
        modified_from: datetime | None, modified_to: datetime | None,
    ) -> SearchPage[M]:
        path = f"/{module}/search"
        params = {**criteria, "from": from_, "limit": limit, "sortBy": sort_by,
                  "modifiedTimeRange": _range(modified_from, modified_to)}
        return self._search_page(model, self._t.request("GET", path, params=params), "GET", path)

    def _iter(
        self, module: str, model: type[M], criteria: dict[str, Any], modified_from: datetime | None,
        modified_to: datetime | None, page_size: int, cap: int,
    ) -> Iterator[M]:
        path = f"/{module}/search"
        if (modified_from is None) != (modified_to is None):
            raise ValueError("give both modified_from and modified_to, or neither")

        def fetch(window: str | None, from_: int, limit: int) -> list[M]:
            params = {**criteria, "from": from_, "limit": limit, "sortBy": SORT_ASCENDING_MODIFIED,
                      "modifiedTimeRange": window}
            return self._search_page(model, self._t.request("GET", path, params=params), "GET", path).data

        return iter_windowed(
            fetch,
            time_of=lambda item: getattr(item, "modifiedTime", None),
            id_of=lambda item: item.id,
            start=modified_from,
            end=modified_to,
            limit=page_size,
            cap=cap,
        )

    def tickets(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None,
        modified_from: datetime | None = None, modified_to: datetime | None = None, **criteria: Any,
    ) -> SearchPage[Ticket]:
        """One page of /tickets/search. `sort_by`: relevance, modifiedTime, createdTime, customerResponseTime."""
        return self._search("tickets", Ticket, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_tickets(
        self, *, modified_from: datetime | None = None, modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT, cap: int = SEARCH_CAP, **criteria: Any,
    ) -> Iterator[Ticket]:
        """Every matching ticket in modifiedTime order, past the 5,000 cap (how the poller reads changes)."""
        return self._iter("tickets", Ticket, criteria, modified_from, modified_to, page_size, cap)

    def contacts(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None,
        modified_from: datetime | None = None, modified_to: datetime | None = None, **criteria: Any,
    ) -> SearchPage[Contact]:
        return self._search("contacts", Contact, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_contacts(
        self, *, modified_from: datetime | None = None, modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT, cap: int = SEARCH_CAP, **criteria: Any,
    ) -> Iterator[Contact]:
        return self._iter("contacts", Contact, criteria, modified_from, modified_to, page_size, cap)

    def accounts(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None,
        modified_from: datetime | None = None, modified_to: datetime | None = None, **criteria: Any,
    ) -> SearchPage[Account]:
        return self._search("accounts", Account, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_accounts(
        self, *, modified_from: datetime | None = None, modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT, cap: int = SEARCH_CAP, **criteria: Any,
    ) -> Iterator[Account]:
        return self._iter("accounts", Account, criteria, modified_from, modified_to, page_size, cap)

    def tasks(
        self, *, from_: int = 0, limit: int = MAX_LIMIT, sort_by: str | None = None,
        modified_from: datetime | None = None, modified_to: datetime | None = None, **criteria: Any,
    ) -> SearchPage[Task]:
        return self._search("tasks", Task, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_tasks(
        self, *, modified_from: datetime | None = None, modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT, cap: int = SEARCH_CAP, **criteria: Any,
    ) -> Iterator[Task]:
        return self._iter("tasks", Task, criteria, modified_from, modified_to, page_size, cap)
