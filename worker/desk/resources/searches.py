"""Searches: across modules (/search) and per module (/tickets|contacts|accounts|tasks/search).

Criteria are passed with the Desk's own names (`subject="analysis*"`, `status="Open,On Hold"`,
`customField1="ModelName:F3*"`): a trailing `*` is a wildcard, a comma list means any of. Sequences are joined.

`iter_*` walk every result past the 5,000 cap: they sort by modifiedTime ascending and split by modifiedTimeRange
windows (paging.iter_windowed); `modified_from` / `modified_to` bound the walk. `iter_ticket_items` is the same
walk with each item as the Desk sent it (the poller keeps and diffs the Desk's own values, and skips a malformed
item itself: its `keys` give such an item a place in the walk instead of stopping it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any, Protocol, TypeVar

from worker.desk.models import Account, Contact, DeskModel, SearchPage, Task, Ticket
from worker.desk.paging import MAX_LIMIT, SEARCH_CAP, iter_windowed, page_items, time_range
from worker.desk.resources._base import M, Resource

Record = TypeVar("Record", Ticket, Contact, Account, Task)  # the searchable kinds: each has an id

MODULE_MODELS: dict[str, type[DeskModel]] = {
    "tickets": Ticket,
    "contacts": Contact,
    "accounts": Account,
    "tasks": Task,
}
Entity = Ticket | Contact | Account | Task
SORT_ASCENDING_MODIFIED = "modifiedTime"
T = TypeVar("T")


class WalkKeys(Protocol):
    """Where an item sits in a windowed walk: its modifiedTime (the order) and its id (to skip it once seen)."""

    def time_of(self, item: Any) -> datetime | None: ...

    def id_of(self, item: Any) -> str: ...


class RawKeys:
    """The keys of an item as the Desk sent it: its `modifiedTime` and `id` (None / "" when it has none: a walk
    stops on an item without a time, SearchCapExceeded)."""

    @staticmethod
    def time_of(item: Any) -> datetime | None:
        value = item.get("modifiedTime") if isinstance(item, Mapping) else None
        if not isinstance(value, str):
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    @staticmethod
    def id_of(item: Any) -> str:
        return str(item.get("id") or "") if isinstance(item, Mapping) else ""


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
            params={
                "searchStr": search_str,
                "module": module,
                "departmentId": department_id,
                "from": from_,
                "limit": limit,
                "sortBy": sort_by,
            },
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
        self,
        module: str,
        model: type[M],
        criteria: dict[str, Any],
        from_: int,
        limit: int,
        sort_by: str | None,
        modified_from: datetime | None,
        modified_to: datetime | None,
    ) -> SearchPage[M]:
        path = f"/{module}/search"
        params = {
            **criteria,
            "from": from_,
            "limit": limit,
            "sortBy": sort_by,
            "modifiedTimeRange": _range(modified_from, modified_to),
        }
        return self._search_page(model, self._t.request("GET", path, params=params), "GET", path)

    def _iter(
        self,
        module: str,
        model: type[Record],
        criteria: dict[str, Any],
        modified_from: datetime | None,
        modified_to: datetime | None,
        page_size: int,
        cap: int,
    ) -> Iterator[Record]:
        path = f"/{module}/search"
        if (modified_from is None) != (modified_to is None):
            raise ValueError("give both modified_from and modified_to, or neither")
        return self._walk(
            path,
            criteria,
            lambda body: self._search_page(model, body, "GET", path).data,
            time_of=lambda item: getattr(item, "modifiedTime", None),
            id_of=lambda item: item.id,
            modified_from=modified_from,
            modified_to=modified_to,
            page_size=page_size,
            cap=cap,
        )

    def _walk(
        self,
        path: str,
        criteria: dict[str, Any],
        items_of: Callable[[Any], list[T]],
        *,
        time_of: Callable[[T], datetime | None],
        id_of: Callable[[T], str],
        modified_from: datetime | None,
        modified_to: datetime | None,
        page_size: int,
        cap: int,
    ) -> Iterator[T]:
        """The windowed walk of one search: `items_of` turns an answer into its page."""

        def fetch(window: str | None, from_: int, limit: int) -> list[T]:
            params = {
                **criteria,
                "from": from_,
                "limit": limit,
                "sortBy": SORT_ASCENDING_MODIFIED,
                "modifiedTimeRange": window,
            }
            return items_of(self._t.request("GET", path, params=params))

        return iter_windowed(
            fetch, time_of=time_of, id_of=id_of, start=modified_from, end=modified_to, limit=page_size, cap=cap
        )

    def tickets(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        **criteria: Any,
    ) -> SearchPage[Ticket]:
        """One page of /tickets/search. `sort_by`: relevance, modifiedTime, createdTime, customerResponseTime."""
        return self._search("tickets", Ticket, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_tickets(
        self,
        *,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT,
        cap: int = SEARCH_CAP,
        **criteria: Any,
    ) -> Iterator[Ticket]:
        """Every matching ticket in modifiedTime order, past the 5,000 cap (how the poller reads changes)."""
        return self._iter("tickets", Ticket, criteria, modified_from, modified_to, page_size, cap)

    def iter_ticket_items(
        self,
        *,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        keys: WalkKeys | None = None,
        page_size: int = MAX_LIMIT,
        cap: int = SEARCH_CAP,
        **criteria: Any,
    ) -> Iterator[Any]:
        """The walk of `iter_tickets` with each item as the Desk sent it (unparsed, malformed ones included).

        `keys` place each item in the walk (default RawKeys: its own modifiedTime and id); a caller that skips
        malformed items passes keys that give them a place too. `modified_from` None with `modified_to` set walks
        from the beginning. A 2xx answer without a `data` list raises BadSearchAnswer (a MalformedResponse).
        """
        path = "/tickets/search"
        walk_keys = keys or RawKeys()
        return self._walk(
            path,
            criteria,
            lambda body: page_items(body, path),
            time_of=walk_keys.time_of,
            id_of=walk_keys.id_of,
            modified_from=modified_from,
            modified_to=modified_to,
            page_size=page_size,
            cap=cap,
        )

    def contacts(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        **criteria: Any,
    ) -> SearchPage[Contact]:
        return self._search("contacts", Contact, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_contacts(
        self,
        *,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT,
        cap: int = SEARCH_CAP,
        **criteria: Any,
    ) -> Iterator[Contact]:
        return self._iter("contacts", Contact, criteria, modified_from, modified_to, page_size, cap)

    def accounts(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        **criteria: Any,
    ) -> SearchPage[Account]:
        return self._search("accounts", Account, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_accounts(
        self,
        *,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT,
        cap: int = SEARCH_CAP,
        **criteria: Any,
    ) -> Iterator[Account]:
        return self._iter("accounts", Account, criteria, modified_from, modified_to, page_size, cap)

    def tasks(
        self,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        sort_by: str | None = None,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        **criteria: Any,
    ) -> SearchPage[Task]:
        return self._search("tasks", Task, criteria, from_, limit, sort_by, modified_from, modified_to)

    def iter_tasks(
        self,
        *,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        page_size: int = MAX_LIMIT,
        cap: int = SEARCH_CAP,
        **criteria: Any,
    ) -> Iterator[Task]:
        return self._iter("tasks", Task, criteria, modified_from, modified_to, page_size, cap)
