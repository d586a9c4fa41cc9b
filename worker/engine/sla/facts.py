"""What the clocks read about one ticket at `now`: its status history, customer messages, agent responses, the
changes to and from a closed status, and the intervals spent in pause statuses.

The status history comes from the timeline; when the ticket's current status differs from the timeline's last
one (the timeline lags the mirror), the ticket wins from its modifiedTime (clamped to the history and `now`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from worker.engine.conditions import EvalContext
from worker.engine.sla.policy import CompiledPolicy
from worker.engine.sla.timeline import Timeline
from worker.engine.values import parse_time

Pause = tuple[datetime, "datetime | None"]


class Facts:
    """What every metric of one policy reads about one ticket at `now`, computed once and lazily."""

    __slots__ = (
        "_closes",
        "_pauses",
        "_reopens",
        "agent",
        "ctx",
        "customer",
        "now",
        "policy",
        "statuses",
        "ticket",
        "timeline",
    )

    def __init__(
        self, policy: CompiledPolicy, ticket: Mapping[str, Any], timeline: Timeline, now: datetime, ctx: EvalContext
    ) -> None:
        self.policy, self.ticket, self.timeline, self.now, self.ctx = policy, ticket, timeline, now, ctx
        self.statuses = _statuses(ticket, timeline, now)
        self.customer = _until(timeline.customer_messages, now)
        self.agent = _until(timeline.agent_responses, now)
        self._closes: list[datetime] | None = None
        self._reopens: list[datetime] | None = None
        self._pauses: dict[frozenset[str], list[Pause]] = {}

    def _transitions(self) -> tuple[list[datetime], list[datetime]]:
        closed, was_closed = self.policy.closed_statuses, False
        closes: list[datetime] = []
        reopens: list[datetime] = []
        for at, status in self.statuses:
            is_closed = status.casefold() in closed
            if is_closed and not was_closed:
                closes.append(at)
            elif was_closed and not is_closed:
                reopens.append(at)
            was_closed = is_closed
        self._closes, self._reopens = closes, reopens
        return closes, reopens

    @property
    def closes(self) -> list[datetime]:
        return self._transitions()[0] if self._closes is None else self._closes

    @property
    def reopens(self) -> list[datetime]:
        return self._transitions()[1] if self._reopens is None else self._reopens

    def pauses(self, statuses: frozenset[str]) -> list[Pause]:
        """The intervals spent in one of `statuses` (casefolded), the last one open (None) if still in it."""
        found = self._pauses.get(statuses)
        if found is None:
            found, since = [], None
            for at, status in self.statuses:
                paused = status.casefold() in statuses
                if paused and since is None:
                    since = at
                elif not paused and since is not None:
                    found.append((since, at))
                    since = None
            if since is not None:
                found.append((since, None))
            self._pauses[statuses] = found
        return found


def _until(times: tuple[datetime, ...], now: datetime) -> tuple[datetime, ...]:
    if not times or times[-1] <= now:
        return times
    return times[: bisect_right(times, now)]


def _statuses(ticket: Mapping[str, Any], timeline: Timeline, now: datetime) -> tuple[tuple[datetime, str], ...]:
    statuses = timeline.statuses
    if statuses and statuses[-1][0] > now:
        statuses = statuses[: bisect_right(statuses, now, key=lambda entry: entry[0])]
    current = ticket.get("status")
    if isinstance(current, str) and current and (not statuses or statuses[-1][1] != current):
        low = statuses[-1][0] if statuses else timeline.created
        since = parse_time(ticket.get("modifiedTime")) or now
        statuses = (*statuses, (min(max(since, low), now), current))
    return statuses
