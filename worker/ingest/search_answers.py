"""What a search answer must be before the poller trusts it (pure).

A page is `{"data": [...]}`, or nothing at all (204: no more results). Anything else answered 2xx (an error body,
`{"data": null}`, a list where the object belongs) is not "no changes": treating it so would move the cursor past
changes never read. So it raises BadSearchAnswer, and the poll ends with the cursor where it was. The typed client
walks the pages (`searches.iter_ticket_items`, `tickets.iter_items`) and raises it (desk/paging.page_items).

One item without a usable id or modifiedTime is the Desk's fault for that item alone: it is skipped (the poller
logs and counts it) while the rest of the page is read. `ItemKeys` gives the windowed walk a time and an id for
such an item (the `keys` of `searches.iter_ticket_items`), so it passes through the walk to be skipped instead of
stopping it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from worker.desk.errors import BadSearchAnswer
from worker.desk.paging import EPOCH, page_items
from worker.engine.values import parse_time

__all__ = ["BadSearchAnswer", "ItemKeys", "item_problem", "page_items"]


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
