"""Changes the Desk shows in awkward ways are still acted on, once: a reply reopening a ticket closed long ago, and
a search index that lags longer than the poll overlap (real processes: redis-server, sandbox, scheduler, worker)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from tests.e2e.scenarios import open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import Pipeline, wait_until
from worker.engine.values import parse_time
from worker.ingest.absorb import CLOSED_RETENTION

ACT_TIMEOUT_S = 60
ON_REOPEN = """
rules:
  - id: welcome-back
    on: ticket.replied
    if: {field: status, changed_to: Open}
    then:
      - comment: {public: false, text: "The customer wrote again on a closed ticket."}
  - id: reopened
    on: ticket.updated
    if: {field: status, changed_from: Closed}
    then:
      - comment: {public: false, text: "Reopened."}
"""
ON_HIGH = """
rules:
  - id: note-high
    on: ticket.updated
    if: {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "Priority is now High."}
"""


def comments_on(deployment: Pipeline, ticket_id: str) -> list[str]:
    return [
        str(entry["body"]) for entry in deployment.writes("POST", f"/tickets/{ticket_id}/comments") if entry["applied"]
    ]


def closed_long_ago(deployment: Pipeline) -> str:
    with deployment.api() as api:
        tickets = api.get("/tickets", params={"limit": 100, "status": "Closed"}).json()["data"]
    old = datetime.now(timezone.utc) - CLOSED_RETENTION - timedelta(days=1)
    found = [ticket["id"] for ticket in tickets if ticket.get("closedTime") and parse_time(ticket["closedTime"]) < old]
    assert found, "the seed has no ticket closed long ago"
    return found[0]


def test_a_customer_reply_to_a_ticket_closed_months_ago_fires_the_reply_and_reopen_rules(pipeline):
    # given a running deployment and a ticket closed long before it started (so not in its mirror)
    deployment = pipeline(ON_REOPEN)
    wait_backfilled(deployment)
    ticket_id = closed_long_ago(deployment)
    assert deployment.store().mirror.get(deployment.sandbox.org_ids[0], ticket_id) is None
    # when the customer writes in, which reopens it
    answer = deployment.sandbox.control.post(f"/_sandbox/tickets/{ticket_id}/customerReply")
    assert answer.json()["status"] == "Open", answer.text
    # then both rules fire, once each
    wait_until(lambda: len(comments_on(deployment, ticket_id)) >= 2, ACT_TIMEOUT_S, "both rules' comments")
    bodies = comments_on(deployment, ticket_id)
    assert sorted("wrote again" in body for body in bodies) == [False, True]


def test_changes_shown_later_than_the_poll_overlap_are_each_acted_on_once(pipeline):
    # given a running deployment (5 s poll overlap) whose Desk search index lags 12 s behind writes
    deployment = pipeline(ON_HIGH)
    wait_backfilled(deployment)
    deployment.sandbox.control.post("/_sandbox/faults", json={"indexLagS": 12}).raise_for_status()
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 3)]
    # when people raise the priority of three tickets
    raise_priority(deployment, tickets)
    # then each gets the rule's comment once the index shows the change, and the lag was reported
    wait_until(lambda: all(comments_on(deployment, ticket_id) for ticket_id in tickets), ACT_TIMEOUT_S, "every comment")
    deployment.sandbox.control.delete("/_sandbox/faults")
    wait_until(lambda: deployment.store().events.pending_count() == 0, ACT_TIMEOUT_S, "every event evaluated")
    assert [len(comments_on(deployment, ticket_id)) for ticket_id in tickets] == [1, 1, 1]
    counters = deployment.store().metrics.counters()
    assert counters[("late_changes_total", deployment.sandbox.org_ids[0])] >= len(tickets)


def test_a_search_item_without_id_or_modified_time_holds_up_no_other_change(pipeline):
    # given a running deployment whose Desk breaks one item of every search page (no id or no modifiedTime)
    deployment = pipeline(ON_HIGH)
    wait_backfilled(deployment)
    faults = {"wrongAnswerRate": 1.0, "wrongAnswerModes": ["missingField"], "pathContains": "/tickets/search"}
    deployment.sandbox.control.post("/_sandbox/faults", json=faults).raise_for_status()
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 3)]
    # when people raise the priority of three tickets
    raise_priority(deployment, tickets)
    # then each change is acted on once (a broken item is skipped, the rest of its page read) and the skips counted
    wait_until(lambda: all(comments_on(deployment, ticket_id) for ticket_id in tickets), ACT_TIMEOUT_S, "every comment")
    deployment.sandbox.control.delete("/_sandbox/faults")
    wait_until(lambda: deployment.store().events.pending_count() == 0, ACT_TIMEOUT_S, "every event evaluated")
    assert [len(comments_on(deployment, ticket_id)) for ticket_id in tickets] == [1, 1, 1]
    assert deployment.store().metrics.counters()[("search_items_skipped_total", deployment.sandbox.org_ids[0])] >= 1


def test_changes_hidden_by_searches_answered_null_are_acted_on_once_search_answers(pipeline):
    # given a running deployment (5 s overlap) whose Desk answers every search 200 with a `null` body
    deployment = pipeline(ON_HIGH)
    wait_backfilled(deployment)
    faults = {"wrongAnswerRate": 1.0, "wrongAnswerModes": ["null"], "pathContains": "/tickets/search"}
    deployment.sandbox.control.post("/_sandbox/faults", json=faults).raise_for_status()
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 2)]
    # when people change tickets and polls keep getting `null` for longer than the overlap
    raise_priority(deployment, tickets)
    store, org = deployment.store(), deployment.sandbox.org_ids[0]
    before = store.cursors.get(org)
    wait_until(
        lambda: store.metrics.counters().get(("search_bad_answers_total", org), 0) >= 2,
        ACT_TIMEOUT_S,
        "polls answered null",
    )
    time.sleep(8)
    assert store.cursors.get(org) == before  # a null answer is no "nothing changed": the cursor stayed
    deployment.sandbox.control.delete("/_sandbox/faults")
    # then each change is acted on, once, when search answers again
    wait_until(lambda: all(comments_on(deployment, ticket_id) for ticket_id in tickets), ACT_TIMEOUT_S, "every comment")
    wait_until(lambda: deployment.store().events.pending_count() == 0, ACT_TIMEOUT_S, "every event evaluated")
    assert [len(comments_on(deployment, ticket_id)) for ticket_id in tickets] == [1, 1]
