"""Keep each ticket's activity (engine/activity.py) as ingest sees its changes, and give each event its actor
(`changed_by`, engine/changed_by.py) and the new thread it brought (`thread`), laid over the event's ticket.

API calls per changed ticket (a change that brings none of these costs none):
- new threads (threadCount grew): one GET /tickets/{id}/threads, newest first, limit the new threads + 1 (at most
  100): reply times, authors, channel and text. Unless a loaded rule reads a reply's text or thread
  (`read_threads`) or changed_by on this reply's event kind, one new thread the ticket tells about (a customer
  message moves customerResponseTime; an outgoing lastThread is an agent's reply) costs nothing: its time and
  direction come from the ticket. A ticket with no activity kept yet (mirrored before) is read once with limit
  100, so its counts start from its history; a new ticket with one thread is read from the ticket. Where SLA
  timelines are kept (`share_threads`) and the change makes the timeline read the threads (an agent's reply,
  several new threads), they are read here with limit 100 instead, lean or not, and the timeline reuses the
  page: one call for both.
- new comments, only when a loaded rule reads latest_comment_text, or changed_by on ticket.commented: one GET
  /tickets/{id}/comments, newest first, limit the new comments (at most 100).
- changed_by of a ticket.created, ticket.updated or ticket.reopened event that is not deskpilot's own, only when a
  loaded rule listening to that kind reads changed_by: one GET /tickets/{id}/History (limit 10) per change,
  shared by its events. Where the Desk answers 404/403 the ticket's modifiedBy is used instead, and the History
  is not asked again for an hour (`<ns>:activity:<org>:no-history`, every process).
- status and assignee changes: none (the mirror's diff).
Redis: one HGET per changed ticket, one HSET per batch; a closed ticket's activity is kept without its texts. A
thread or comment list the Desk refuses for this ticket (404, 403) counts as not read; any other failure raises,
so the batch is read again by the next poll.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.desk.errors import Forbidden, NotFound
from worker.desk.paging import MAX_LIMIT
from worker.engine.activity import TEXT_FIELDS, Activity, ThreadFact, advance, newest_thread, thread_from_ticket
from worker.engine.changed_by import AgentInfo, derive
from worker.engine.values import is_closed
from worker.ingest.diff import Observation, count_of
from worker.ingest.thread_reads import ThreadReads
from worker.ingest.timeline_steps import threads_needed
from worker.store import Store
from worker.store.activity import Activities

log = structlog.get_logger(__name__)
HISTORY_LIMIT = 10
NO_HISTORY_MEMORY_MS = 3_600_000  # a Desk that answered 404/403 for the History is asked again after an hour
TEXT_LIMIT = 500  # characters of a latest text kept (a long mail is not copied into Redis whole)
REPLY_KINDS = frozenset({"ticket.replied", "ticket.agent_replied"})
ACTOR_KINDS = ("ticket.created", "ticket.updated", "ticket.reopened")  # the kinds whose actor only the History tells


@dataclass
class _Seen:
    activity: Activity
    threads: tuple[ThreadFact, ...] = ()
    comments: tuple[Mapping[str, Any], ...] = ()
    history: list[Mapping[str, Any]] | None = None  # read once for the change's events that need it
    history_read: bool = False
    closed: bool = False  # kept without its texts (a closed ticket's texts matter again only after new threads)


@dataclass
class ActivityKeeper:
    client: DeskClient
    store: Store
    read_comments: bool = False  # a loaded rule reads latest_comment_text, or changed_by on ticket.commented
    actor_kinds: frozenset[str] = frozenset()  # the event kinds a loaded rule reads changed_by on
    read_threads: bool = True  # False (no rule reads a reply's text or thread): one new thread costs no call
    agents: Callable[[], Mapping[str, AgentInfo]] = dict  # agent id -> {email, name, teams}, asked once
    share_threads: ThreadReads | None = None  # the SLA timelines' (timeline_sync.py): pages they would read too
    _seen: dict[str, _Seen] = field(default_factory=dict)
    _agents: Mapping[str, AgentInfo] | None = None
    _no_history: bool = False

    @property
    def org_id(self) -> str:
        return self.client.org_id

    @property
    def activities(self) -> Activities:
        return Activities(self.store.redis, self.store.keys)

    def observe(self, previous: Mapping[str, Any] | None, ticket: Mapping[str, Any], seen: Observation) -> None:
        """Fold one change in (read back by `event_view`, written by `save`)."""
        ticket_id = str(ticket["id"])
        stored = self.activities.get_many(self.org_id, [ticket_id]).get(ticket_id)
        known = Activity.from_dict(stored) if stored else None
        limit = _thread_limit(known, previous, ticket, seen)
        shared = bool(limit) and self.share_threads is not None and threads_needed(previous, ticket, seen)
        guess = thread_from_ticket(previous, ticket, seen.new_threads) if limit and known and previous else None
        author_wanted = bool(set(seen.kinds) & self.actor_kinds & REPLY_KINDS)  # changed_by on this reply event
        lean = not self.read_threads and not author_wanted and not shared
        threads = [guess] if guess is not None and lean else self._threads(ticket, MAX_LIMIT if shared else limit)
        comments = self._comments(ticket_id, seen.new_comments) if self.read_comments else None
        activity = _trimmed(advance(known, previous, ticket, threads, comments))
        self._seen[ticket_id] = _Seen(activity, tuple(threads or ()), tuple(comments or ()), closed=is_closed(ticket))

    def event_view(self, kind: str, ticket: dict[str, Any], by_deskpilot: bool) -> dict[str, Any]:
        """The ticket as the event carries it: with its activity, `thread` and `changed_by`."""
        seen = self._seen.get(str(ticket["id"]))
        if seen is None:
            return ticket
        direction = {"ticket.replied": "in", "ticket.agent_replied": "out"}.get(kind)
        thread = newest_thread(seen.threads, direction) if seen.threads else None
        wants_history = kind in ACTOR_KINDS and kind in self.actor_kinds
        if wants_history and not by_deskpilot and not seen.history_read:
            seen.history, seen.history_read = self._history(str(ticket["id"])), True
        agents = self._agent_info() if kind in self.actor_kinds else None  # names and teams: for a rule that asks
        actor = derive(kind, by_deskpilot, ticket, seen.threads, seen.comments, seen.history, agents)
        view = {**ticket, **seen.activity.fields(), "changed_by": actor}
        view["thread"] = thread.view() if thread is not None else None
        return view

    def save(self) -> None:
        """Write the batch's activities (after its events are logged: a replay folds nothing twice)."""
        stored = {key: _stored(seen.activity, seen.closed).to_dict() for key, seen in self._seen.items()}
        self.activities.put_many(self.org_id, stored)
        self._seen.clear()

    def _agent_info(self) -> Mapping[str, AgentInfo]:
        if self._agents is None:
            self._agents = self.agents()
        return self._agents

    def _threads(self, ticket: Mapping[str, Any], limit: int) -> list[ThreadFact] | None:
        if not limit:
            return None
        answer = self._get(f"/tickets/{ticket['id']}/threads", {"from": 0, "limit": limit})
        if answer is None:
            return None
        if self.share_threads is not None:  # a page from 0: the timeline's first, should it need them
            self.share_threads.put(ticket, limit, answer)
        return [fact for item in answer if (fact := ThreadFact.from_desk(item)) is not None]

    def _comments(self, ticket_id: str, count: int) -> list[Mapping[str, Any]] | None:
        if not count:
            return None
        params = {"from": 0, "limit": min(count, MAX_LIMIT), "sortBy": "-commentedTime"}
        return self._get(f"/tickets/{ticket_id}/comments", params)

    def _history(self, ticket_id: str) -> list[Mapping[str, Any]] | None:
        mark = self.store.keys.key("activity", self.org_id, "no-history")
        if self._no_history or self.store.redis.exists(mark):
            self._no_history = True
            return None
        answer = self._get(f"/tickets/{ticket_id}/History", {"from": 0, "limit": HISTORY_LIMIT})
        if answer is None:  # remembered for every process for a while, then asked again (the Desk may gain it)
            self._no_history = True
            self.store.redis.set(mark, "1", px=NO_HISTORY_MEMORY_MS)
            log.info("activity.no_history", org=self.org_id, fallback="modifiedBy")
        return answer

    def _get(self, path: str, params: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
        try:
            body = self.client.transport.request("GET", path, params=dict(params))
        except (NotFound, Forbidden) as exc:
            log.info("activity.unread", org=self.org_id, path=path, error=exc.error_code)
            return None
        data = (body or {}).get("data") if isinstance(body, dict) else None
        return [item for item in data if isinstance(item, Mapping)] if isinstance(data, list) else []


def _thread_limit(
    known: Activity | None, previous: Mapping[str, Any] | None, ticket: Mapping[str, Any], seen: Observation
) -> int:
    """How many of the newest threads to read for this change (0: none)."""
    total = count_of(ticket, "threadCount")
    if previous is None:  # a ticket seen first: its opening message is read from the ticket
        return min(total, MAX_LIMIT) if total > 1 else 0
    if known is None:  # mirrored before activity was kept: its history once
        return min(total, MAX_LIMIT) if total else 0
    return min(seen.new_threads + 1, MAX_LIMIT) if seen.new_threads else 0


def _stored(activity: Activity, closed: bool) -> Activity:
    """What Redis keeps: a closed ticket's activity without its texts (anchors and counts stay for a reopen)."""
    cleared: dict[str, Any] = dict.fromkeys(TEXT_FIELDS)
    return replace(activity, **cleared) if closed else activity


def _trimmed(activity: Activity) -> Activity:
    long: dict[str, Any] = {
        name: value[:TEXT_LIMIT]
        for name in TEXT_FIELDS
        if isinstance(value := getattr(activity, name), str) and len(value) > TEXT_LIMIT
    }
    return replace(activity, **long) if long else activity


def agent_info(
    agents: Iterable[Mapping[str, Any]] | None, teams: Iterable[Mapping[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """Agent id -> {email, name, teams} from the catalogue's agents and teams (GET /agents, GET /teams)."""
    info: dict[str, dict[str, Any]] = {}
    for agent in agents or ():
        name = " ".join(part for part in (agent.get("firstName"), agent.get("lastName")) if part)
        info[str(agent.get("id"))] = {"email": agent.get("emailId") or agent.get("email"), "name": name, "teams": []}
    for team in teams or ():
        members: Sequence[Any] = team.get("agents") or team.get("derivedAgents") or ()
        for member in members:
            info.setdefault(str(member), {"email": None, "name": None, "teams": []})["teams"].append(team.get("name"))
    return info
