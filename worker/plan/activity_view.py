"""Ticket activity for a time rule's sweep: the anchors and counters ingest keeps (store/activity.py), laid over
each mirrored ticket, read only when the swept rule's conditions name one of them or `text` (which holds the latest
customer message: engine/facts.py) (one HSCAN of the org's activity hash per sweep; no API call)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from worker.engine.activity import ACTIVITY_FIELDS, Activity
from worker.engine.facts import TEXT_FIELD
from worker.engine.ruleset import RuleSet
from worker.store import Store
from worker.store.activity import Activities


def sweep_activity(store: Store, rules: RuleSet, rule_id: str, org_id: str) -> dict[str, dict[str, Any]]:
    """Ticket id -> activity fields, for the tickets that have any; empty when the rule reads none."""
    rule = rules.get(rule_id)
    roots = {leaf.path.split(".")[0] for leaf in rule.condition.leaves} if rule is not None else set()
    if not roots & {*ACTIVITY_FIELDS, TEXT_FIELD}:
        return {}
    return {
        ticket_id: Activity.from_dict(data).fields()
        for ticket_id, data in Activities(store.redis, store.keys).entries(org_id)
    }


def with_activity(ticket: dict[str, Any], activities: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    found = activities.get(str(ticket.get("id")))
    return {**ticket, **found} if found else ticket
