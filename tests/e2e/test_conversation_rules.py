"""Rules on who did what, end to end: a real scheduler and worker, redis-server and the sandbox Desk. An agent's
reply, a customer's reply and a reopen each fire only the rule meant for them, and a nudge for tickets whose
customer is waiting stays silent on the ticket an agent answered. The nudge is a time rule: the test sends its tick
the way the scheduler does at a cron boundary (a `sweep` message on the broker), not to wait up to a minute."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from tests.e2e.scenarios import wait_backfilled
from tests.support.pipeline import Pipeline, wait_until

RULES = """
rules:
  - id: on-agent-reply
    on: ticket.agent_replied
    if: {changed_by: agent}
    then:
      - comment: {public: false, text: "AGENT-REPLY {{ ticket.agent_reply_count }}"}
  - id: on-customer-reply
    on: ticket.replied
    if: {changed_by: customer}
    then:
      - comment: {public: false, text: "CUSTOMER-REPLY {{ ticket.customer_reply_count }}"}
  - id: on-reopen
    on: ticket.reopened
    then:
      - comment: {public: false, text: "REOPENED {{ ticket.reopen_count }}"}
  - id: nudge
    on: {schedule: {cron: "0 0 1 1 *"}}
    once: {per_anchor: last_customer_reply_at}
    if:
      all:
        - {field: last_reply_by, equals: customer}
        - {field: last_customer_reply_at, older_than: 1s}
    then:
      - comment: {public: false, text: "NUDGE"}
"""
WAIT_S = 30
WORD = re.compile(r"[A-Z-]*")


def notes(deployment: Pipeline, ticket_id: str) -> list[str]:
    """The first word of each of deskpilot's applied comments on the ticket, in order."""
    posted = deployment.writes("POST", f"/tickets/{ticket_id}/comments")
    return [WORD.match(str(entry["body"]["content"]))[0] for entry in posted if entry["applied"]]


def send_tick(deployment: Pipeline, rule_id: str) -> None:
    broker = RedisBroker(url=deployment.redis_server.url, namespace="dp:dramatiq")
    tick = datetime.now(timezone.utc).isoformat()
    broker.enqueue(dramatiq.Message("deskpilot.sweep", "sweep", (rule_id, tick), {}, {}))
    broker.close()


def test_each_change_fires_only_its_rule_and_the_nudge_skips_answered_tickets(pipeline):
    deployment = pipeline(RULES)
    wait_backfilled(deployment)
    with deployment.api() as api:
        tickets = api.get("/tickets", params={"limit": 50, "status": "Open"}).json()["data"]
        waiting, answered = [ticket["id"] for ticket in tickets[:2]]
        # the customers of both tickets write in
        for ticket_id in (waiting, answered):
            deployment.sandbox.control.post(f"/_sandbox/tickets/{ticket_id}/customerReply").raise_for_status()
        wait_until(lambda: all(notes(deployment, t) for t in (waiting, answered)), WAIT_S, "the customer replies")
        # an agent answers one of them
        reply = {"channel": "FACEBOOK", "content": "We are on it"}
        assert api.post(f"/tickets/{answered}/sendReply", json=reply).status_code == 200
        wait_until(lambda: len(notes(deployment, answered)) >= 2, WAIT_S, "the agent reply's rule")
        # the other is closed and reopened by a person
        assert api.patch(f"/tickets/{waiting}", json={"status": "Closed"}).status_code == 200
        org = deployment.sandbox.org_ids[0]
        wait_until(lambda: deployment.store().mirror.get(org, waiting)["status"] == "Closed", WAIT_S, "the close")
        assert api.patch(f"/tickets/{waiting}", json={"status": "Open"}).status_code == 200
        wait_until(lambda: len(notes(deployment, waiting)) >= 2, WAIT_S, "the reopen's rule")

    # then the nudge goes to the ticket whose customer waits, not to the one an agent answered
    send_tick(deployment, "nudge")
    wait_until(lambda: len(notes(deployment, waiting)) >= 3, WAIT_S, "the nudge")
    store = deployment.store()
    wait_until(lambda: store.redis.zcard(store.keys.key("actions", "pending")) == 0, WAIT_S, "every action done")
    assert notes(deployment, waiting) == ["CUSTOMER-REPLY", "REOPENED", "NUDGE"]
    assert notes(deployment, answered) == ["CUSTOMER-REPLY", "AGENT-REPLY"]
