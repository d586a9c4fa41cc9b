"""Decide whether a change the poller saw is one deskpilot made itself (so rules do not react to their own writes).

Fields are matched by value and time in the store (own_writes.py). Comments show up only as a grown commentCount,
so when deskpilot may have posted on the ticket, the newest comments are read and each counts as ours only if it
carries the marker of an action that expected it: a person's comment is never taken for ours. Replies likewise:
an agent reply (a grown threadCount) is deskpilot's when every new outgoing thread carries an awaited marker.
"""

from __future__ import annotations

from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.desk.errors import DeskError
from worker.engine.values import parse_time
from worker.ingest.diff import Observation
from worker.store.own_writes import OwnWrites

PAGE = 100  # the most comments one read returns
log = structlog.get_logger(__name__)


# Fields the Desk changes itself when deskpilot writes another: a status write moves its category (statusType),
# and sets or clears closedTime and onholdTime. Their changes come with ours and are ours.
DERIVED_FROM = {"status": ("statusType", "closedTime", "onholdTime")}


def made_by_deskpilot(own: OwnWrites, client: DeskClient, kind: str, ticket: dict[str, Any], seen: Observation) -> bool:
    """True when every change of this kind is one deskpilot wrote itself."""
    if kind == "ticket.updated":
        ours = own.consume_fields(client.org_id, ticket["id"], seen.changes, parse_time(ticket.get("modifiedTime")))
        derived = {name for written in ours for name in DERIVED_FROM.get(written, ()) if name in seen.changes}
        return bool(seen.changes) and ours | derived == set(seen.changes)
    if kind == "ticket.commented":
        return _comments_are_ours(own, client, ticket["id"], seen.new_comments)
    if kind == "ticket.agent_replied":
        return _replies_are_ours(own, client, ticket["id"], seen.new_threads)
    return False


def _replies_are_ours(own: OwnWrites, client: DeskClient, ticket_id: str, count: int) -> bool:
    """Whether every new outgoing thread is a reply of deskpilot's: only when one of ours is awaited on the ticket
    (no call otherwise); then the newest threads are listed (one call) and each outgoing one read whole (one call
    each: a list shows summaries, and the marker is an invisible comment at the end of the content)."""
    pending = own.pending_comments(client.org_id, ticket_id)  # replies and comments share the marked records
    if not pending or count > PAGE:
        return False
    try:
        outgoing = [item for item in client.threads.list(ticket_id, limit=count)[:count] if item.direction == "out"]
        contents = [str(client.threads.get(ticket_id, item.id).content) for item in outgoing]
    except DeskError as exc:  # unreadable now: a person's reply is the safe side (a rule fires)
        log.warning("loop_guard.replies_unread", org=client.org_id, ticket=ticket_id, error=str(exc))
        return False
    found = {action_id for action_id, marker in pending.items() if any(marker in text for text in contents)}
    own.consume_comments(client.org_id, ticket_id, found)
    return bool(contents) and all(any(pending[action_id] in text for action_id in found) for text in contents)


def _comments_are_ours(own: OwnWrites, client: DeskClient, ticket_id: str, count: int) -> bool:
    pending = own.pending_comments(client.org_id, ticket_id)
    if not pending or count > PAGE:
        return False  # no comment of ours is awaited: no call spent
    try:
        listed = client.comments.list(ticket_id, limit=count, sort_by="-commentedTime")
    except DeskError as exc:
        # Unreadable now: taking them for a person's is the safe side (a rule fires) unless ours cover every one.
        log.warning("loop_guard.comments_unread", org=client.org_id, ticket=ticket_id, error=str(exc))
        return len(pending) >= count
    newest = [item.content or "" for item in listed[:count]]
    found = {action_id for action_id, marker in pending.items() if any(marker in content for content in newest)}
    ours = sum(1 for content in newest if any(pending[action_id] in content for action_id in found))
    own.consume_comments(client.org_id, ticket_id, found)
    return ours == count
