"""Send dead letters again: failed messages to their actor, failed actions back to `act` with a fresh state."""
from __future__ import annotations

from worker.runtime import Runtime, set_runtime


def redrive(runtime: Runtime, entry_id: str | None = None) -> int:
    """Re-send the dead letter with this message or action id, or all of them; returns how many."""
    set_runtime(runtime)
    from worker import actors

    senders = {actor.actor_name: actor for actor in (actors.poll, actors.evaluate, actors.act, actors.sweep, actors.sla_sweep, actors.reconcile)}
    taken = runtime.store.dead_letters.take(entry_id)
    for entry in taken:
        if entry.get("kind") == "action":
            runtime.store.ledger.reopen(entry["action_id"])
            actors.act.send(entry["action_id"])
        else:
            senders[entry["actor"]].send_with_options(args=tuple(entry["args"]), kwargs=entry["kwargs"])
    return len(taken)
