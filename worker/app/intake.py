"""The webhook intake of one process, built from its runtime: the ingress answers deliveries with it, the
`ticket_hint` actor fetches hinted tickets with it. Each org's absorber is the poller's (same store, same event
sender, SLA timelines kept when policies need them, the same ticket activity). When a rule reads changed_by, each
change costs a History read, so no delivery is absorbed inside the answer: all become hints."""

from __future__ import annotations

from datetime import timedelta

from worker.app.activity import activity_keeper, condition_roots
from worker.app.runtime import Runtime
from worker.engine.ruleset import RuleSet
from worker.ingest.absorb import Absorber, SendEvent
from worker.ingest.timeline_sync import TimelineKeeper
from worker.ingest.webhook_intake import Intake, SendHint


def reads_changed_by(rules: RuleSet) -> bool:
    """Whether a loaded rule reads changed_by (worked out once per rule set)."""
    known = rules.memo.get("reads_changed_by")
    if known is None:
        known = rules.memo["reads_changed_by"] = "changed_by" in condition_roots(rules)
    return bool(known)


def intake_for(runtime: Runtime, send_event: SendEvent, send_hint: SendHint) -> Intake:
    settings = runtime.settings

    def absorber(org_id: str) -> Absorber:
        client = runtime.client(org_id)
        keeper = (
            TimelineKeeper(client, runtime.store, settings.sla_timeline_fill_per_poll)
            if runtime.rules.current().sla_policies
            else None
        )
        return Absorber(
            client, runtime.store, send_event, keeper, activity_keeper(runtime, client, keeper), source="webhook"
        )

    return Intake(
        runtime.store,
        absorber,
        send_hint,
        overlap=timedelta(seconds=settings.poll_overlap_s),
        inline=lambda: not reads_changed_by(runtime.rules.current()),
    )
