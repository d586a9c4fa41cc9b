"""Which candidates of a strategy assignment may be picked now, and which one: pure, so tests can drive it.

A candidate qualifies when it is online (when the Desk's presence is known and the rule wants it) and on shift
(its calendar, carried in the plan, is open at `now`; no calendar: always on shift). Round robin takes the
qualified agent at the turn's position; least loaded the one with the fewest open tickets (ties: plan order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker.engine.routing import calendar_from_json


@dataclass
class Qualified:
    agents: list[str]  # ids, in plan order
    reasons: Counter[str] = field(default_factory=Counter)  # why the others were left out

    def why_none(self) -> str:
        return ", ".join(f"{count} {reason}" for reason, count in sorted(self.reasons.items())) or "no candidates"


def qualified(
    candidates: Sequence[Mapping[str, Any]],
    online: set[str] | None,
    shifts: Mapping[str, Mapping[str, Any]],
    now: datetime,
) -> Qualified:
    """The candidates online (None: unknown, not filtered) and on shift at `now`."""
    found = Qualified([])
    for candidate in candidates:
        agent_id = str(candidate.get("id"))
        shift = candidate.get("shift")
        if online is not None and agent_id not in online:
            found.reasons["offline"] += 1
        elif shift and shift in shifts and not calendar_from_json(shift, shifts[shift]).is_open(now):
            found.reasons["off shift"] += 1
        else:
            found.agents.append(agent_id)
    return found


def round_robin(agents: Sequence[str], turn: int) -> str:
    return agents[turn % len(agents)]


def least_loaded(agents: Sequence[str], load: Mapping[str, int]) -> str:
    return min(agents, key=lambda agent_id: (load.get(agent_id, 0), agents.index(agent_id)))
