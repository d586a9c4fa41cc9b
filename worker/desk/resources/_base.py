"""What every resource group shares: the transport, path quoting, and parsing answers into models; and what the
record kinds (get, create, update) and the two customer kinds (their tickets) share."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar, overload
from urllib.parse import quote

from pydantic import ValidationError

from worker.desk.budget import Priority
from worker.desk.errors import MalformedResponse
from worker.desk.models import DeskInput, DeskModel, SearchPage, Ticket, body_of
from worker.desk.paging import MAX_LIMIT, iter_offset, page_items
from worker.desk.transport import Transport

M = TypeVar("M", bound=DeskModel)
In = TypeVar("In", bound=DeskInput)  # a customer kind's input: the same for create and update
C = TypeVar("C", bound=DeskInput)
U = TypeVar("U", bound=DeskInput)
Include = str | Sequence[str] | None
PriorityArg = Priority | str


def seg(value: object) -> str:
    """One path segment: ids are quoted so that no value can change the path."""
    text = str(value)
    if not text:
        raise ValueError("an id in a Desk path must not be empty")
    return quote(text, safe="")


def includes(value: Include) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return ",".join(value)


class Resource:
    """A group of Desk endpoints; subclasses add one method per endpoint."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def __repr__(self) -> str:
        return f"{type(self).__name__}(org_id={self._t.org_id!r})"

    # -- parsing ----------------------------------------------------------------------------------------------
    def _one(self, model: type[M], body: Any, method: str, path: str) -> M:
        if not isinstance(body, Mapping):
            raise MalformedResponse(f"expected a {model.__name__} object", method=method, path=path)
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            raise MalformedResponse(
                f"the answer is not a valid {model.__name__}: {_summarise(exc)}", method=method, path=path
            ) from None

    def _many(self, model: type[M], body: Any, method: str, path: str) -> list[M]:
        """A list answer: {"data": [...]}; None (204) is an empty list."""
        if body is None:
            return []
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, list):
            raise MalformedResponse('expected {"data": [...]}', method=method, path=path)
        try:
            return [model.model_validate(item) for item in data]
        except ValidationError as exc:
            raise MalformedResponse(
                f"an item is not a valid {model.__name__}: {_summarise(exc)}", method=method, path=path
            ) from None

    def _search_page(self, model: type[M], body: Any, method: str, path: str) -> SearchPage[M]:
        items = self._many(model, body, method, path)
        count = body.get("count") if isinstance(body, Mapping) else None
        try:
            return SearchPage[model](data=items, count=count)  # type: ignore[valid-type]
        except ValidationError:
            return SearchPage[model](data=items, count=None)  # type: ignore[valid-type]

    # -- calls ------------------------------------------------------------------------------------------------
    def _get_one(self, model: type[M], path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> M:
        return self._one(model, self._t.request("GET", path, params=params, **kw), "GET", path)

    def _get_list(self, model: type[M], path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> list[M]:
        return self._many(model, self._t.request("GET", path, params=params, **kw), "GET", path)

    def _iter_list(
        self,
        model: type[M],
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
        **kw: Any,
    ) -> Iterator[M]:
        base = dict(params or {})

        def fetch(from_: int, limit: int) -> list[M]:
            return self._get_list(model, path, {**base, "from": from_, "limit": limit}, **kw)

        return iter_offset(fetch, limit=page_size, max_items=max_items)

    def _iter_items(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Any]:
        """A list walked page by page with each item as the Desk sent it (unparsed); a 2xx page without a `data`
        list raises BadSearchAnswer (a MalformedResponse)."""
        base = dict(params or {})

        def fetch(from_: int, limit: int) -> list[Any]:
            return page_items(self._t.request("GET", path, params={**base, "from": from_, "limit": limit}), path)

        return iter_offset(fetch, limit=page_size, max_items=max_items)

    @overload
    def _write(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        idempotent: bool,
        priority: PriorityArg,
    ) -> M: ...

    @overload
    def _write(
        self,
        model: None,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        idempotent: bool,
        priority: PriorityArg,
    ) -> Any: ...

    def _write(
        self,
        model: type[M] | None,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        idempotent: bool,
        priority: PriorityArg,
    ) -> Any:
        if model is not None and not idempotent:  # a write that makes a record: no record, no known outcome
            body: Any = self._t.create(path, json=json, params=params, files=files, data=data, priority=priority)
        else:
            body = self._t.request(
                method,
                path,
                json=json,
                params=params,
                files=files,
                data=data,
                idempotent=idempotent,
                priority=priority,
            )
        if model is None:
            return body
        return self._one(model, body, method, path)


class RecordResource(Resource, Generic[M, C, U]):
    """A record kind at `/{path}` (tickets, tasks, contacts, accounts): get, create (not idempotent: OutcomeUnknown
    when the Desk may or may not have created it), update (PATCH, idempotent). Subclasses name the path and the
    model (`C` and `U`: what create and update take), and add their own lists."""

    path: ClassVar[str]
    model: type[M]  # set on each subclass (a class attribute: ClassVar cannot hold a type variable)

    def get(self, record_id: str, *, include: Include = None) -> M:
        return self._get_one(self.model, f"/{self.path}/{seg(record_id)}", {"include": includes(include)})

    def get_raw(self, record_id: str) -> dict[str, Any]:
        """The record as the Desk sent it, unparsed (its `cf` custom fields included, which the model drops).
        MalformedResponse when the answer is not an object."""
        path = f"/{self.path}/{seg(record_id)}"
        body = self._t.request("GET", path)
        if not isinstance(body, Mapping):
            raise MalformedResponse(f"expected a {self.model.__name__} object", method="GET", path=path)
        return dict(body)

    def create(self, data: C | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL) -> M:
        return self._write(self.model, "POST", f"/{self.path}", json=body_of(data), idempotent=False, priority=priority)

    def update(self, record_id: str, data: U | Mapping[str, Any], *, priority: PriorityArg = Priority.NORMAL) -> M:
        return self._write(
            self.model,
            "PATCH",
            f"/{self.path}/{seg(record_id)}",
            json=body_of(data),
            idempotent=True,
            priority=priority,
        )


class CustomerResource(RecordResource[M, In, In], Generic[M, In]):
    """A customer kind (accounts, contacts): a record kind whose tickets can be listed."""

    def tickets(
        self,
        customer_id: str,
        *,
        from_: int = 0,
        limit: int = MAX_LIMIT,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
    ) -> list[Ticket]:
        """`sort_by`: createdTime, modifiedTime."""
        return self._get_list(
            Ticket,
            f"/{self.path}/{seg(customer_id)}/tickets",
            {
                "from": from_,
                "limit": limit,
                "departmentId": department_id,
                "sortBy": sort_by,
                "include": includes(include),
            },
        )

    def iter_tickets(
        self,
        customer_id: str,
        *,
        department_id: str | None = None,
        sort_by: str | None = None,
        include: Include = None,
        page_size: int = MAX_LIMIT,
        max_items: int | None = None,
    ) -> Iterator[Ticket]:
        return self._iter_list(
            Ticket,
            f"/{self.path}/{seg(customer_id)}/tickets",
            {"departmentId": department_id, "sortBy": sort_by, "include": includes(include)},
            page_size=page_size,
            max_items=max_items,
        )


def _summarise(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


FileArg = tuple[str, bytes] | tuple[str, bytes, str]


def file_part(file: FileArg) -> dict[str, Any]:
    """The multipart `file` field from (filename, content[, content type])."""
    if len(file) == 2:
        name, content = file
        return {"file": (name, content, "application/octet-stream")}
    name, content, content_type = file
    return {"file": (name, content, content_type)}


Fetch = Callable[[int, int], list[Any]]
