"""Iterators over the Desk's `from`/`limit` paging (pure: the fetching is passed in).

- A list with nothing (more) to return answers 204: the fetch gives None or [] and the iteration ends.
- A page shorter than the limit is the last one: no further call is made.
- Searches stop at 5,000 results (`from` <= 4999). `iter_windowed` sorts by modifiedTime ascending and, when the
  cap is reached, starts a new window at the last modifiedTime it saw (`modifiedTimeRange=<last>,<end>`), skipping
  the items of that instant it already yielded. More than 5,000 items modified in one millisecond cannot be
  walked: SearchCapExceeded.
`from` is 0-based (the vendor's spec; desk-api.md).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from worker.desk.errors import BadSearchAnswer, SearchCapExceeded

T = TypeVar("T")

MAX_LIMIT = 100  # lists and searches accept limit 1..100
SEARCH_CAP = 5000  # search `from` is capped at 4999
# Window start when the caller gave none (the Desk's data begins long after this).
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    """The Desk's timestamp form: ISO-8601 UTC with milliseconds and Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def time_range(start: datetime, end: datetime) -> str:
    return f"{iso(start)},{iso(end)}"


def page_items(body: Any, path: str, method: str = "GET") -> list[Any]:
    """The items of one page as the Desk sent them: [] for 204 / an empty body (the transport gives None);
    BadSearchAnswer for any other answer without a `data` list."""
    if body is None:
        return []
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        shape = sorted(body)[:5] if isinstance(body, dict) else type(body).__name__
        raise BadSearchAnswer(f"expected a data list, got {shape}", method=method, path=path)
    return data


def iter_offset(
    fetch: Callable[[int, int], Sequence[T] | None],
    *,
    limit: int = MAX_LIMIT,
    start: int = 0,
    cap: int | None = None,
    max_items: int | None = None,
) -> Iterator[T]:
    """Yield items of `fetch(from_, limit)` page by page until a 204, a short page, `cap` or `max_items`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_LIMIT}")
    offset = start
    yielded = 0
    while True:
        page_limit = limit if cap is None else min(limit, cap - offset)
        if page_limit <= 0:
            return
        items = fetch(offset, page_limit) or []
        for item in items:
            yield item
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        if len(items) < page_limit:
            return
        offset += len(items)


@dataclass
class _Tail:
    """The last modifiedTime a window yielded and the ids yielded at that instant: where the next window resumes."""

    moment: datetime | None = None
    ids: set[str] = field(default_factory=set)

    def note(self, moment: datetime, item_id: str) -> None:
        if moment != self.moment:
            self.moment, self.ids = moment, {item_id}
        else:
            self.ids.add(item_id)


def iter_windowed(
    fetch: Callable[[str | None, int, int], Sequence[T] | None],
    *,
    time_of: Callable[[T], datetime | None],
    id_of: Callable[[T], str],
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = MAX_LIMIT,
    cap: int = SEARCH_CAP,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Iterator[T]:
    """Walk a search sorted by modifiedTime ascending past the result cap.

    `fetch(modified_time_range | None, from_, limit)`; the range is None for the first window when the caller gave
    neither start nor end. Items of one window are yielded in the Desk's order.
    """
    resume = _Tail(start)  # where this window starts, and the ids already yielded at that instant
    window_end = end
    while True:
        if resume.moment is None and window_end is None:
            window = None
        else:
            window = time_range(resume.moment or EPOCH, window_end or (now() + timedelta(days=1)))
        tail = yield from _walk_window(fetch, window, resume, time_of=time_of, id_of=id_of, limit=limit, cap=cap)
        if tail is None:
            return
        # The cap was reached with more to come: the next window starts at the last instant seen.
        if tail.moment is None or (resume.moment is not None and tail.moment <= resume.moment):
            raise SearchCapExceeded(
                f"more than {cap} results share the modifiedTime {iso(resume.moment or EPOCH)}; narrow the search"
            )
        if window_end is None:
            window_end = now() + timedelta(days=1)
        resume = tail


def _walk_window(
    fetch: Callable[[str | None, int, int], Sequence[T] | None],
    window: str | None,
    resume: _Tail,
    *,
    time_of: Callable[[T], datetime | None],
    id_of: Callable[[T], str],
    limit: int,
    cap: int,
) -> Generator[T, None, _Tail | None]:
    """Page through one window, skipping the items `resume` says were yielded already.

    Returns None when the search ended inside the window, or the window's tail when the cap cut it short.
    """
    tail = _Tail()
    offset = 0
    while True:
        page_limit = min(limit, cap - offset)
        items = fetch(window, offset, page_limit) or []
        for item in items:
            moment = time_of(item)
            item_id = id_of(item)
            if moment is None:
                raise SearchCapExceeded(
                    "a search result has no modifiedTime, so the search cannot be split into time windows"
                )
            if moment == resume.moment and item_id in resume.ids:
                continue
            yield item
            tail.note(moment, item_id)
        if len(items) < page_limit:
            return None
        offset += len(items)
        if offset >= cap:
            return tail
