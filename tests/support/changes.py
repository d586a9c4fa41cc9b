"""Changes a test or the chaos bench drives on the sandbox Desk, and what deskpilot did about them, counted from the
sandbox's write log (the Desk's own record of side effects) and the action ledger."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import httpx

from worker.store import Store

DRIVE_ATTEMPTS = 50
DRIVE_PAUSE_S = 0.1
MARKER = re.compile(r"\[deskpilot:[^:\]]+:(act-[0-9a-f]+)\]")
COMMENTS_PATH = re.compile(r"/tickets/(\d+)/comments$")


def patch_through_faults(api: httpx.Client, ticket_id: str, fields: dict[str, Any]) -> bool:
    """PATCH until a read shows `fields` applied: the test's own change retries through whatever faults are on
    (a dropped, refused or wrongly answered write among them). False when it never got through."""
    for _ in range(DRIVE_ATTEMPTS):
        try:
            api.patch(f"/tickets/{ticket_id}", json=fields)
            answer = api.get(f"/tickets/{ticket_id}")
            shown = answer.json() if answer.status_code == 200 else None
            if isinstance(shown, dict) and all(shown.get(name) == value for name, value in fields.items()):
                return True
        except (httpx.TransportError, ValueError):
            pass
        time.sleep(DRIVE_PAUSE_S)
    return False


def applied_comments(writes: Iterable[dict[str, Any]]) -> Counter[str]:
    """Applied comment POSTs per ticket id (a write applied yet answered 500, or dropped, counts: it took effect)."""
    counts: Counter[str] = Counter()
    for entry in writes:
        found = COMMENTS_PATH.search(entry["path"])
        if entry["method"] == "POST" and entry["applied"] and found:
            counts[found.group(1)] += 1
    return counts


def applied_markers(writes: Iterable[dict[str, Any]]) -> Counter[str]:
    """Applied writes per deskpilot action id (from the marker every write of deskpilot's carries)."""
    counts: Counter[str] = Counter()
    for entry in writes:
        if entry["applied"]:
            counts.update(MARKER.findall(str(entry["body"])))
    return counts


def unfinished_actions(store: Store, ticket_ids: set[str]) -> list[str]:
    """Ids of the ledger's actions on these tickets that are not final yet."""
    unfinished = []
    for name in store.redis.scan_iter("dp:action:act-*", count=500):
        if name.count(":") != 2:
            continue
        record = store.ledger.get(name.split(":")[2])
        if record is not None and record.action.ticket in ticket_ids and not record.final:
            unfinished.append(record.id)
    return unfinished
