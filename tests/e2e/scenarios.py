"""Shared steps of the end-to-end tests: rule texts, making changes on the Desk, counting effects."""

from __future__ import annotations

import re
from typing import Any

from tests.support.pipeline import Pipeline, wait_until

COMMENT_ON_HIGH = """
rules:
  - id: note-high-priority
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "Priority is now {{ ticket.priority }} (was changed by a person)."}
"""

THREE_ACTIONS_ON_HIGH = """
rules:
  - id: escalate-high
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "Escalated: {{ ticket.subject }}"}
      - time_entry: {duration: 15m, description: triage}
      - task: {subject: "Follow up on #{{ ticket.ticketNumber }}", due_in: 4h}
"""

MARKER = re.compile(r"\[deskpilot:[^:\]]+:(act-[0-9a-f]+)\]")


def open_tickets(pipeline: Pipeline, count: int) -> list[dict[str, Any]]:
    """`count` open tickets whose priority is not High yet (seeded data)."""
    with pipeline.api() as api:
        tickets = api.get("/tickets", params={"limit": 100, "status": "Open"}).json()["data"]
    chosen = [ticket for ticket in tickets if ticket.get("priority") != "High"][:count]
    assert len(chosen) == count, "the seed has too few open tickets for this test"
    return chosen


def raise_priority(pipeline: Pipeline, ticket_ids: list[str]) -> None:
    with pipeline.api() as api:
        for ticket_id in ticket_ids:
            response = api.patch(f"/tickets/{ticket_id}", json={"priority": "High"})
            assert response.status_code == 200, response.text


def marker_writes(pipeline: Pipeline) -> dict[str, int]:
    """How many applied writes carried each action's marker (the Desk's own record of side effects).

    A write can be applied and still answered 500 (the sandbox's lost answers): it counts, since it took effect.
    """
    counts: dict[str, int] = {}
    for entry in pipeline.writes("POST"):
        if not entry["applied"]:
            continue
        for match in MARKER.finditer(str(entry["body"])):
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def all_actions_final(pipeline: Pipeline, expected: int) -> bool:
    store = pipeline.store()
    ids = [name.split(":")[2] for name in store.redis.scan_iter("dp:action:act-*") if name.count(":") == 2]
    records = [store.ledger.get(action_id) for action_id in ids]
    return len(records) >= expected and all(record and record.final for record in records)


def wait_backfilled(pipeline: Pipeline) -> None:
    wait_until(pipeline.backfilled, 60, "the first poll to backfill the mirror")
