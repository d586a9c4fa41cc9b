"""A ticket's timeline: what the SLA clocks need to know about its history, and nothing more.

    Timeline(created, customer_messages, agent_responses, statuses)

All times are aware UTC datetimes, each tuple sorted oldest first. `statuses` holds the status as of each time
it changed, its first entry at `created`. The pipeline keeps one per ticket (JSON, `to_dict` / `from_dict`),
built once from the ticket's threads (`from_threads`, one GET /tickets/{id}/threads) and then updated as the
poller sees changes (`with_customer_message`, `with_agent_response`, `with_status`): the sweep reads it from the
mirror, never from the Desk.

What counts (`from_threads`), as Zendesk, Freshdesk and Zoho Desk count it:
- a customer message is an incoming thread (direction "in") that is not a draft;
- an agent response is an outgoing thread (direction "out") that is public and was sent or is being sent
  (status SUCCESS or PENDING; not DRAFT, not FAILED: a reply that never reached the customer answers nothing).
  Private comments are not threads, so they never count.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from worker.engine.values import parse_time

UTC = timezone.utc
UNSENT_STATUSES = frozenset({"DRAFT", "FAILED"})
OPEN_STATUS = "Open"
# Where a ticket keeps the time of its current status, when no status history is given (see from_threads).
_STATUS_TIME_FIELDS = {"closed": "closedTime", "on hold": "onholdTime"}


def iso(moment: datetime) -> str:
    """An aware time as ISO-8601 UTC with "Z" (seconds, or microseconds when it has them)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _time(value: Any, what: str) -> datetime:
    moment = parse_time(value)
    if moment is None:
        raise ValueError(f"{what}: expected an ISO time like 2026-12-01T09:00:00Z, got {value!r}")
    return moment


@dataclass(frozen=True, slots=True)
class Timeline:
    """What the clocks read; immutable (the `with_*` methods return an updated copy)."""

    created: datetime
    customer_messages: tuple[datetime, ...] = ()
    agent_responses: tuple[datetime, ...] = ()
    statuses: tuple[tuple[datetime, str], ...] = ()

    # ------------------------------------------------------------------------------------------ building
    @classmethod
    def from_threads(
        cls, ticket: Mapping[str, Any], threads: Iterable[Mapping[str, Any]], statuses: Iterable[Any] | None = None
    ) -> Timeline:
        """From the Desk's ticket and its thread list (GET /tickets/{id}/threads: direction, createdTime, status,
        visibility; `isDraft` is honoured too).

        `statuses` is the status history as [time, status] pairs or {time|at: ..., status: ...} mappings. Without
        it the history is inferred from the ticket: Open at createdTime and, when the ticket's status now is
        another, that status since closedTime (Closed), onholdTime (On Hold) or modifiedTime (others) - exact
        for a ticket that changed status at most once, which is what a ticket looks like on its first sight.
        """
        created = parse_time(ticket.get("createdTime"))
        messages, responses = [], []
        for thread in threads:
            at = parse_time(thread.get("createdTime"))
            if at is None or thread.get("isDraft") is True or str(thread.get("status") or "").upper() == "DRAFT":
                continue
            direction = str(thread.get("direction") or "").lower()
            if direction == "in":
                messages.append(at)
            elif (
                direction == "out"
                and str(thread.get("status") or "").upper() not in UNSENT_STATUSES
                and str(thread.get("visibility") or "public").lower() == "public"
            ):
                responses.append(at)
        if created is None:
            created = min([*messages, *responses], default=None)
            if created is None:
                raise ValueError(f"ticket {ticket.get('id')!r}: no createdTime and no threads to date it by")
        history = _statuses(statuses, created) if statuses is not None else _inferred_statuses(ticket, created)
        return cls(created, tuple(sorted(messages)), tuple(sorted(responses)), history)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timeline:
        """The inverse of `to_dict`; raises ValueError naming a bad time."""
        created = _time(data.get("created"), "created")
        return cls(
            created,
            tuple(sorted(_time(item, "customer_messages") for item in data.get("customer_messages") or ())),
            tuple(sorted(_time(item, "agent_responses") for item in data.get("agent_responses") or ())),
            _statuses(data.get("statuses") or (), created),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: {created, customer_messages: [...], agent_responses: [...], statuses: [[time, status]]}."""
        return {
            "created": iso(self.created),
            "customer_messages": [iso(at) for at in self.customer_messages],
            "agent_responses": [iso(at) for at in self.agent_responses],
            "statuses": [[iso(at), status] for at, status in self.statuses],
        }

    # ------------------------------------------------------------------------------------------- updates
    def with_customer_message(self, at: datetime | str) -> Timeline:
        return _replace(self, customer_messages=_inserted(self.customer_messages, _time(at, "at")))

    def with_agent_response(self, at: datetime | str) -> Timeline:
        return _replace(self, agent_responses=_inserted(self.agent_responses, _time(at, "at")))

    def with_status(self, at: datetime | str, status: str) -> Timeline:
        """The status is `status` from `at`; a no-op when it already was (a later change stays in place)."""
        moment = _time(at, "at")
        if self.status_at(moment) == status:
            return self
        entries = list(self.statuses)
        insort(entries, (moment, status), key=lambda entry: entry[0])
        return _replace(self, statuses=_collapsed(entries))

    # ------------------------------------------------------------------------------------------ reading
    def status_at(self, moment: datetime) -> str | None:
        """The status in effect at `moment` (None before the first entry)."""
        index = bisect_right(self.statuses, moment, key=lambda entry: entry[0])
        return self.statuses[index - 1][1] if index else None

    @property
    def first_agent_response(self) -> datetime | None:
        return self.agent_responses[0] if self.agent_responses else None


def _replace(timeline: Timeline, **changes: Any) -> Timeline:
    values = {
        "created": timeline.created,
        "customer_messages": timeline.customer_messages,
        "agent_responses": timeline.agent_responses,
        "statuses": timeline.statuses,
        **changes,
    }
    return Timeline(**values)


def _inserted(times: tuple[datetime, ...], moment: datetime) -> tuple[datetime, ...]:
    if moment in times:
        return times
    items = list(times)
    insort(items, moment)
    return tuple(items)


def _statuses(entries: Iterable[Any], created: datetime) -> tuple[tuple[datetime, str], ...]:
    pairs = []
    for entry in entries:
        if isinstance(entry, Mapping):
            at, status = entry.get("time", entry.get("at")), entry.get("status")
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            at, status = entry
        else:
            raise ValueError(f"statuses: expected [time, status] or {{time: ..., status: ...}}, got {entry!r}")
        if not isinstance(status, str) or not status:
            raise ValueError(f"statuses: expected a status name, got {status!r}")
        pairs.append((_time(at, "statuses"), status))
    pairs.sort(key=lambda pair: pair[0])
    return _collapsed(pairs)


def _collapsed(pairs: list[tuple[datetime, str]]) -> tuple[tuple[datetime, str], ...]:
    """Consecutive entries with the same status merged into the first (and one status per instant: the last)."""
    out: list[tuple[datetime, str]] = []
    for at, status in pairs:
        if out and out[-1][0] == at:
            out.pop()
        if out and out[-1][1] == status:
            continue
        out.append((at, status))
    return tuple(out)


def _inferred_statuses(ticket: Mapping[str, Any], created: datetime) -> tuple[tuple[datetime, str], ...]:
    status = ticket.get("status") or OPEN_STATUS
    if status == OPEN_STATUS or ticket.get("statusType") == "Open":
        return ((created, status),)
    field = _STATUS_TIME_FIELDS.get(str(ticket.get("statusType") or status).casefold(), "modifiedTime")
    since = parse_time(ticket.get(field)) or parse_time(ticket.get("modifiedTime")) or created
    return _collapsed([(created, OPEN_STATUS), (max(since, created), status)])
