"""The SLA sweep over the mirror: levels fire once per cycle; a new policy does not escalate old history."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from worker.engine.directory import Directory
from worker.engine.loader import load_rules_text
from worker.engine.sla.timeline import Timeline
from worker.plan.sla_levels import SlaSweeper
from worker.store import Store

POLICY = """
sla_policies:
  - id: quick
    metrics:
      first_response:
        targets: {default: 1h}
        escalations:
          - {at: 0, name: breach, then: [{comment: {text: "breached"}}]}
"""
ORG = "2389290"
START = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def mirror_ticket(store: Store, ticket_id: str, created: datetime) -> None:
    stamp = created.isoformat().replace("+00:00", "Z")
    store.mirror.put_many(
        ORG,
        {
            ticket_id: {
                "id": ticket_id,
                "status": "Open",
                "priority": "High",
                "createdTime": stamp,
                "modifiedTime": stamp,
            }
        },
    )
    store.timelines.put_many(ORG, {ticket_id: Timeline(created, (created,), (), ((created, "Open"),)).to_dict()})


def test_history_found_at_deployment_is_not_escalated_but_new_breaches_are(redis_server):
    store = Store.connect(redis_server.client())
    sent: list[str] = []
    sweeper = lambda: SlaSweeper(store, load_rules_text(POLICY), lambda org: Directory(), sent.append)  # noqa: E731
    # given a ticket that breached long before deskpilot ran, and one that breaches later
    mirror_ticket(store, "old", START - timedelta(days=3))
    mirror_ticket(store, "new", START)
    # when the first sweep runs (the policy is in place from now), then later ones
    first = sweeper().sweep([ORG], START + timedelta(minutes=5))
    later = sweeper().sweep([ORG], START + timedelta(hours=1, minutes=1))
    again = sweeper().sweep([ORG], START + timedelta(hours=1, minutes=2))
    # then the old breach is recorded as backlog without acting, the new one fires once
    assert first.escalations == [] and store.timelines.fired(ORG, "old")
    assert [ticket for ticket, _, _ in later.escalations] == ["new"] and len(sent) == 1
    assert again.escalations == [] and len(sent) == 1
    backlog = [entry for entry in store.audit.query(ticket="old") if entry["entry"] == "sla"]
    assert backlog[0]["backlog"] is True and backlog[0]["actions"] == 0
