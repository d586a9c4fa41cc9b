"""Send dead letters again: failed messages to their actor, failed actions back to `act` with a fresh state."""

from __future__ import annotations

from collections.abc import Mapping

import dramatiq

from worker.store import Store


def redrive(store: Store, actors: Mapping[str, dramatiq.Actor], entry_id: str | None = None) -> int:
    """Re-send the dead letter with this message or action id, or all of them; returns how many.

    `actors`: the service's actors by name (an action goes back to "act")."""
    taken = store.dead_letters.take(entry_id)
    for entry in taken:
        if entry.get("kind") == "action":
            store.ledger.reopen(entry["action_id"])
            actors["act"].send(entry["action_id"])
        else:
            actors[entry["actor"]].send_with_options(args=tuple(entry["args"]), kwargs=entry["kwargs"])
    return len(taken)
