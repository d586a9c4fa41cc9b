"""Per-ticket activity (time anchors, reply and reopen counters, latest texts) beside the mirror: one hash per org,
ticket id -> JSON (engine/activity.py's `Activity.to_dict`). Written by ingest as it folds each change in, read by
ingest (the next change) and by time-rule sweeps; an entry leaves with its ticket's mirror entry."""

from __future__ import annotations

from worker.store.ticket_hash import TicketHash


class Activities(TicketHash):
    family = "activity"
