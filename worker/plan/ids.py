"""Every id the planning stage makes, deterministic so that planning the same thing twice records nothing new.

Events the poller logs get theirs from the event log (`store/events.py`: org, ticket, modifiedTime, kind), since
the store dedupes on them; everything planned from an event or a tick gets its id here.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from worker.engine.planned import PlannedAction


def action_id(planned: PlannedAction, event_id: str) -> str:
    """A planned action of a rule, for the event (or tick, or SLA level) it was planned for."""
    return f"act-{planned.action_id(event_id)}"


def sweep_event_id(rule_id: str, tick: datetime, org_id: str, ticket_id: str) -> str:
    """The event a time rule's sweep evaluates one ticket as, at one tick."""
    digest = hashlib.sha1(f"{rule_id}|{tick.isoformat()}|{org_id}|{ticket_id}".encode()).hexdigest()
    return f"sw-{digest[:20]}"


def sweep_origin(rule_id: str, tick: datetime) -> str:
    """The `event` a sweep's updateMany action records it came from."""
    return f"sweep:{rule_id}:{tick.isoformat()}"


def bulk_id(rule_id: str, tick: datetime, org_id: str, field_name: str, value: Any, ids: list[str]) -> str:
    """One updateMany call of a sweep: one field, one value, one chunk of ticket ids."""
    text = f"{rule_id}|{tick.isoformat()}|{org_id}|{field_name}|{json.dumps(value)}|{','.join(ids)}"
    return f"bulk-{hashlib.sha1(text.encode()).hexdigest()[:24]}"


def sla_level_event_id(org_id: str, ticket_id: str, level_key: str) -> str:
    """The event an SLA escalation level's actions are planned for (one per ticket and level)."""
    return f"sla:{org_id}:{ticket_id}:{level_key}"
