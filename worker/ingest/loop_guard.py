"""Decide whether a change the poller saw is one deskpilot made itself (so rules do not react to their own writes).

Fields are matched by value and time in the store (own_writes.py). Comments show up only as a grown commentCount,
so when deskpilot may have posted on the ticket, the newest comments are read and each counts as ours only if it
carries the marker of an action that expected it: a person's comment is never taken for ours.
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


def made_by_deskpilot(own: OwnWrites, client: DeskClient, kind: str, ticket: dict[str, Any], seen: Observation) -> bool:
    """True when every change of this kind is one deskpilot wrote itself."""
    if kind == "ticket.updated":
        ours = own.consume_fields(client.org_id, ticket["id"], seen.changes, parse_time(ticket.get("modifiedTime")))
        return bool(seen.changes) and ours == set(seen.changes)
    if kind == "ticket.commented":
        return _comments_are_ours(own, client, ticket["id"], seen.new_comments)
    return False


def _comments_are_ours(own: OwnWrites, client: DeskClient, ticket_id: str, count: int) -> bool:
    pending = own.pending_comments(client.org_id, ticket_id)
    if not pending or count > PAGE:
        return False  # no comment of ours is awaited: no call spent
    try:
        answer = client.transport.request(
            "GET", f"/tickets/{ticket_id}/comments", params={"from": 0, "limit": count, "sortBy": "-commentedTime"}
        )
    except DeskError as exc:
        # Unreadable now: taking them for a person's is the safe side (a rule fires) unless ours cover every one.
        log.warning("loop_guard.comments_unread", org=client.org_id, ticket=ticket_id, error=str(exc))
        return len(pending) >= count
    newest = [str(item.get("content") or "") for item in ((answer or {}).get("data") or [])[:count]]
    found = {action_id for action_id, marker in pending.items() if any(marker in content for content in newest)}
    ours = sum(1 for content in newest if any(pending[action_id] in content for action_id in found))
    own.consume_comments(client.org_id, ticket_id, found)
    return ours == count
