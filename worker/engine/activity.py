"""A ticket's activity: the time anchors, counters and latest texts rules read as ticket fields (pure).

    assigned_at, status_changed_at, last_agent_reply_at, last_customer_reply_at, first_response_at, reopened_at
    agent_reply_count, customer_reply_count, reopen_count, last_reply_by (customer | agent)
    latest_reply_text, latest_customer_reply_text, latest_comment_text

The pipeline keeps one `Activity` per ticket (store/activity.py) and folds each observed change into it with
`advance`: status and assignee changes come from the mirror's diff (timed at the change's modifiedTime, the
closest time the ticket itself carries), replies from the ticket's newest threads, comment text from its newest
comments. What counts as a reply is what the SLA timeline counts (engine/sla/timeline.py): a customer message is
an incoming thread that is not a draft (the ticket's opening message included), an agent reply an outgoing public
thread that was sent or is being sent. A reopen is the status category going from closed to open.

Idempotent: `as_of` is the modifiedTime of the last change folded in; folding that change (or an older one) again
returns the activity unchanged, and a thread counts only when it is newer than `last_thread_at`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timezone
from typing import Any

from worker.engine.values import is_closed, parse_time

ANCHOR_FIELDS = (
    "assigned_at",
    "status_changed_at",
    "last_agent_reply_at",
    "last_customer_reply_at",
    "first_response_at",
    "reopened_at",
)
COUNTER_FIELDS = ("agent_reply_count", "customer_reply_count", "reopen_count")
TEXT_FIELDS = ("latest_reply_text", "latest_customer_reply_text", "latest_comment_text")
ACTIVITY_FIELDS = (*ANCHOR_FIELDS, *COUNTER_FIELDS, "last_reply_by", *TEXT_FIELDS)
UNSENT = frozenset({"DRAFT", "FAILED"})
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)  # what a record without a readable time sorts as


@dataclass(frozen=True)
class ThreadFact:
    """One thread as rules see it (`thread.direction`, `thread.channel`, `thread.author_type`, ...)."""

    id: str
    at: datetime
    direction: str  # in | out
    channel: str | None
    author_type: str | None  # END_USER | AGENT | ...
    author_email: str | None
    author_id: str | None  # the responder's agent id (outgoing threads)
    author_name: str | None
    visibility: str
    status: str
    text: str | None  # None: not read (a thread known from the ticket alone)

    @classmethod
    def from_desk(cls, thread: Mapping[str, Any]) -> ThreadFact | None:
        """From a thread as GET /tickets/{id}/threads lists it; None for a draft or one without a time."""
        at = parse_time(thread.get("createdTime"))
        status = str(thread.get("status") or "").upper()
        if at is None or thread.get("isDraft") is True or status == "DRAFT":
            return None
        author = as_mapping(thread.get("author"))
        return cls(
            id=str(thread.get("id") or ""),
            at=at,
            direction=str(thread.get("direction") or "").lower(),
            channel=thread.get("channel"),
            author_type=author.get("type"),
            author_email=author.get("email"),
            author_id=thread.get("responderId") or author.get("id"),
            author_name=author.get("name"),
            visibility=str(thread.get("visibility") or "public").lower(),
            status=status,
            text=str(thread.get("content") or thread.get("summary") or ""),
        )

    @property
    def is_customer_message(self) -> bool:
        return self.direction == "in"

    @property
    def is_agent_reply(self) -> bool:
        return self.direction == "out" and self.visibility == "public" and self.status not in UNSENT

    def view(self) -> dict[str, Any]:
        """What conditions read under `thread.`."""
        return {
            "id": self.id,
            "direction": self.direction,
            "channel": self.channel,
            "author_type": self.author_type,
            "author_email": self.author_email,
            "visibility": self.visibility,
            "created_at": iso(self.at),
        }


@dataclass(frozen=True)
class Activity:
    as_of: str | None = None  # modifiedTime of the last change folded in
    last_thread_at: str | None = None  # the newest thread counted
    assigned_at: str | None = None
    status_changed_at: str | None = None
    last_agent_reply_at: str | None = None
    last_customer_reply_at: str | None = None
    first_response_at: str | None = None
    reopened_at: str | None = None
    agent_reply_count: int = 0
    customer_reply_count: int = 0
    reopen_count: int = 0
    last_reply_by: str | None = None
    latest_reply_text: str | None = None
    latest_customer_reply_text: str | None = None
    latest_comment_text: str | None = None

    def fields(self) -> dict[str, Any]:
        """The ticket fields rules read (as_of and last_thread_at are bookkeeping)."""
        return {name: getattr(self, name) for name in ACTIVITY_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Activity:
        known = {item.name for item in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` when it is a mapping (a record the Desk nested), else an empty one."""
    return value if isinstance(value, Mapping) else {}


def iso(moment: datetime) -> str:
    """UTC as the Desk writes times: milliseconds when there are any, "Z"."""
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.astimezone(timezone.utc).isoformat(timespec=spec).replace("+00:00", "Z")


def _later(value: str | None, than: str | None) -> bool:
    """Whether time `value` is after `than` (an unknown `than` is before everything)."""
    moment, bound = parse_time(value), parse_time(than)
    return moment is not None and (bound is None or moment > bound)


def first_sight(ticket: Mapping[str, Any], threads: Sequence[ThreadFact] | None) -> Activity:
    """A ticket the pipeline had no activity for. Without its threads (a new ticket with at most one thread, or
    one that could not be read) the opening message is taken from the ticket: a customer message at
    customerResponseTime."""
    created = ticket.get("createdTime")
    base = Activity(
        as_of=None,
        last_thread_at=created,
        assigned_at=created if ticket.get("assigneeId") else None,
        status_changed_at=created,
    )
    if threads is not None:
        return _with_threads(replace(base, last_thread_at=None), threads)
    if (ticket.get("threadCount") not in (None, "0", 0)) and ticket.get("customerResponseTime"):
        at = ticket["customerResponseTime"]
        return replace(
            base,
            last_thread_at=at if created is None or _later(at, created) else created,
            last_customer_reply_at=at,
            customer_reply_count=1,
            last_reply_by="customer",
            latest_customer_reply_text=ticket.get("description"),
        )
    return base


def advance(
    activity: Activity | None,
    previous: Mapping[str, Any] | None,
    ticket: Mapping[str, Any],
    threads: Sequence[ThreadFact] | None = None,
    comments: Sequence[Mapping[str, Any]] | None = None,
) -> Activity:
    """The activity after one observed change (previous snapshot -> ticket), given the newest threads and
    comments where they were read. Returns `activity` itself when this change was already folded in."""
    modified = ticket.get("modifiedTime")
    if activity is not None and activity.as_of is not None and not _later(modified, activity.as_of):
        return activity
    if activity is None:
        # A brand-new ticket's opening state; a known ticket seen first now (after a backfill) only from here on.
        if previous is None:
            return _with_comments(replace(first_sight(ticket, threads), as_of=modified), comments)
        # Known to the mirror but not here yet (backfilled): the threads, when read, give the whole history.
        activity = _with_threads(Activity(), threads) if threads is not None else Activity(last_thread_at=modified)
    elif threads is not None:
        activity = _with_threads(activity, threads)
    if previous is not None:
        activity = _with_fields(activity, previous, ticket, modified)
    return _with_comments(replace(activity, as_of=modified), comments)


def _with_fields(
    activity: Activity, previous: Mapping[str, Any], ticket: Mapping[str, Any], at: str | None
) -> Activity:
    changes: dict[str, Any] = {}
    if previous.get("assigneeId") != ticket.get("assigneeId"):
        changes["assigned_at"] = at if ticket.get("assigneeId") else None
    if previous.get("status") != ticket.get("status"):
        changes["status_changed_at"] = at
    if is_reopen(previous, ticket):
        changes["reopened_at"] = at
        changes["reopen_count"] = activity.reopen_count + 1
    return replace(activity, **changes) if changes else activity


def is_reopen(previous: Mapping[str, Any] | None, ticket: Mapping[str, Any]) -> bool:
    """The status category went from closed to open."""
    return previous is not None and is_closed(previous) and not is_closed(ticket)


def _with_threads(activity: Activity, threads: Sequence[ThreadFact]) -> Activity:
    counted = sorted(
        (thread for thread in threads if _later(iso(thread.at), activity.last_thread_at)), key=lambda t: t.at
    )
    for thread in counted:
        at = iso(thread.at)
        if thread.is_customer_message:
            activity = replace(
                activity,
                last_customer_reply_at=at,
                customer_reply_count=activity.customer_reply_count + 1,
                last_reply_by="customer",
                latest_reply_text=thread.text,
                latest_customer_reply_text=thread.text,
            )
        elif thread.is_agent_reply:
            activity = replace(
                activity,
                last_agent_reply_at=at,
                first_response_at=activity.first_response_at or at,
                agent_reply_count=activity.agent_reply_count + 1,
                last_reply_by="agent",
                latest_reply_text=thread.text,
            )
        activity = replace(activity, last_thread_at=at)
    return activity


def _with_comments(activity: Activity, comments: Sequence[Mapping[str, Any]] | None) -> Activity:
    if not comments:
        return activity
    newest = max(comments, key=lambda comment: parse_time(comment.get("commentedTime")) or EARLIEST)
    return replace(activity, latest_comment_text=str(newest.get("content") or ""))


def thread_from_ticket(previous: Mapping[str, Any], ticket: Mapping[str, Any], new_threads: int) -> ThreadFact | None:
    """The one new thread of a change as the ticket alone tells it (no call), or None when it cannot: a customer
    message moves customerResponseTime (its time); an outgoing lastThread that did not is an agent's reply, timed
    at the change's modifiedTime and taken as public and sent. Its text, author and id stay unknown."""
    if new_threads != 1:
        return None
    last = as_mapping(ticket.get("lastThread"))
    direction = str(last.get("direction") or "").lower()
    moved = ticket.get("customerResponseTime") != previous.get("customerResponseTime")
    if moved and direction in ("", "in"):
        at, direction, author = parse_time(ticket.get("customerResponseTime")), "in", "END_USER"
    elif not moved and direction == "out":
        at, author = parse_time(ticket.get("modifiedTime")), "AGENT"
    else:
        return None
    if at is None:
        return None
    return ThreadFact("", at, direction, last.get("channel"), author, None, None, None, "public", "SUCCESS", None)


def newest_thread(threads: Sequence[ThreadFact], direction: str | None = None) -> ThreadFact | None:
    """The newest thread (of this direction)."""
    chosen = [thread for thread in threads if direction is None or thread.direction == direction]
    return max(chosen, key=lambda thread: thread.at) if chosen else None
