"""The thread lists an absorb read for the ticket activity (activity_sync.py), kept for the SLA timelines
(timeline_sync.py) of the same batch: a change both need the threads of costs one GET /tickets/{id}/threads.

A page is kept under the ticket's id and modifiedTime (a later state of the ticket never reuses it) and is whole
when the Desk sent fewer threads than asked; the timeline keeper reads the rest of a page that is not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    items: tuple[Mapping[str, Any], ...]  # the newest threads, as GET /tickets/{id}/threads lists them from 0
    whole: bool  # fewer than asked: the ticket has no more


@dataclass
class ThreadReads:
    _pages: dict[tuple[str, str], Page] = field(default_factory=dict)

    def put(self, ticket: Mapping[str, Any], limit: int, items: Sequence[Mapping[str, Any]]) -> None:
        self._pages[_key(ticket)] = Page(tuple(items), len(items) < limit)

    def take(self, ticket: Mapping[str, Any]) -> Page | None:
        return self._pages.pop(_key(ticket), None)

    def clear(self) -> None:
        self._pages.clear()


def _key(ticket: Mapping[str, Any]) -> tuple[str, str]:
    return str(ticket["id"]), str(ticket.get("modifiedTime") or "")
