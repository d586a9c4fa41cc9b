"""What a search answer must be before the poller trusts it (pure).

A page is `{"data": [...]}`, or nothing at all (204: no more results). Anything else answered 2xx (an error body,
`{"data": null}`, a list where the object belongs) is not "no changes": treating it so would move the cursor past
changes never read. So it raises BadSearchAnswer, and the poll ends with the cursor where it was.

One item without a usable id or modifiedTime is the Desk's fault for that item alone: it is skipped (the poller
logs and counts it) while the rest of the page is read. `ItemKeys` gives the windowed walk a time and an id for
such an item, so it passes through the walk to be skipped instead of stopping it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from worker.desk.errors import MalformedResponse
from worker.desk.paging import EPOCH
from worker.engine.values import parse_time


class BadSearchAnswer(MalformedResponse):
    """A 2xx search answer without a `data` list."""

    default_code = "BAD_SEARCH_ANSWER"


def page_items(body: Any, path: str) -> list[Any]:
    """The items of one page; [] for 204 / an empty body (the transport gives None)."""
    if body is None:
        return []
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        shape = sorted(body)[:5] if isinstance(body, dict) else type(body).__name__
        raise BadSearchAnswer(f"expected a data list, got {shape}", method="GET", path=path)
    return data


def item_problem(item: Any) -> str | None:
    """Why a search item cannot be diffed (None: it can)."""
    if not isinstance(item, dict):
        return "not an object"
    if not isinstance(item.get("id"), str) or not item["id"]:
        return "no id"
    if parse_time(item.get("modifiedTime")) is None:
        return "no modifiedTime"
    return None


class ItemKeys:
    """`time_of` / `id_of` for iter_windowed: a malformed item takes the time of the last good one before it (the
    walk's order stays ascending) and an id of its own."""

    def __init__(self, start: datetime | None) -> None:
        self.last = start or EPOCH

    def time_of(self, item: Any) -> datetime:
        if item_problem(item) is None:
            self.last = parse_time(item["modifiedTime"]) or self.last
        return self.last

    @staticmethod
    def id_of(item: Any) -> str:
        return item["id"] if item_problem(item) is None else f"malformed-{id(item)}"
