"""The pipeline end to end: changes on the sandbox Desk are noticed, evaluated and acted on exactly once."""

from __future__ import annotations

import time

from tests.e2e.scenarios import (
    COMMENT_ON_HIGH,
    THREE_ACTIONS_ON_HIGH,
    all_actions_final,
    marker_writes,
    open_tickets,
    raise_priority,
    wait_backfilled,
)
from tests.support.pipeline import wait_until

ACT_TIMEOUT_S = 60


def comments_on(pipeline, ticket_id: str) -> list[dict]:
    return [entry for entry in pipeline.writes("POST", f"/tickets/{ticket_id}/comments") if entry["applied"]]


def test_a_change_is_acted_on_and_audited(pipeline):
    # given a running deployment with a rule on priority changes
    deployment = pipeline(COMMENT_ON_HIGH)
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    # when a person raises the ticket's priority on the Desk
    changed_at = time.monotonic()
    raise_priority(deployment, [ticket["id"]])
    # then deskpilot comments on it once, and the audit trail says why
    wait_until(lambda: comments_on(deployment, ticket["id"]), ACT_TIMEOUT_S, "the rule's comment")
    latency = time.monotonic() - changed_at
    entries = list(deployment.store().audit.query(ticket=ticket["id"], rule="note-high-priority"))
    assert [
        entry["entry"]
        for entry in entries
        if entry.get("verdict", {}).get("status") == "fired" or entry["entry"] == "action"
    ] == ["evaluation", "action"]
    assert entries[-1]["outcome"] == "done"
    print(f"change-to-action latency: {latency:.2f}s at a {deployment.poll_interval_s}s poll interval")
    # and deskpilot's own comment does not make the rule fire again
    time.sleep(3 * deployment.poll_interval_s)
    assert len(comments_on(deployment, ticket["id"])) == 1


def test_kill_9_of_a_worker_mid_actions_applies_each_action_once(pipeline):
    # given slow Desk answers, so the worker is caught in the middle of its actions
    deployment = pipeline(THREE_ACTIONS_ON_HIGH, workers=1)
    wait_backfilled(deployment)
    deployment.sandbox.control.post("/_sandbox/faults", json={"latencyMs": 250})
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 8)]
    raise_priority(deployment, tickets)
    # when the worker is killed with SIGKILL after its first writes, and a new one takes over
    wait_until(lambda: len(marker_writes(deployment)) >= 3, ACT_TIMEOUT_S, "the first actions to be written")
    deployment.kill_worker(deployment.worker_processes[0])
    deployment.add_worker()
    # then every planned action is applied, each exactly once on the Desk
    wait_until(lambda: all_actions_final(deployment, 3 * len(tickets)), 120, "every action to finish")
    counts = marker_writes(deployment)
    assert len(counts) == 3 * len(tickets)
    assert set(counts.values()) == {1}


def test_redis_restart_loses_no_event_and_repeats_no_action(pipeline):
    deployment = pipeline(COMMENT_ON_HIGH, workers=2)
    wait_backfilled(deployment)
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 10)]
    raise_priority(deployment, tickets[:5])
    # when Redis restarts (AOF on) while the first changes are in flight, and more changes follow
    deployment.redis_server.restart()
    raise_priority(deployment, tickets[5:])
    # then every change is acted on, once
    wait_until(
        lambda: all(comments_on(deployment, ticket_id) for ticket_id in tickets), 120, "a comment on every ticket"
    )
    time.sleep(3)
    assert {ticket_id: len(comments_on(deployment, ticket_id)) for ticket_id in tickets} == {
        ticket_id: 1 for ticket_id in tickets
    }


def test_faults_and_expiring_tokens_still_apply_each_action_once(pipeline):
    # given 20% of calls answered 5xx or 429, some writes applied but answered 500, and tokens living 3 s
    deployment = pipeline(THREE_ACTIONS_ON_HIGH, workers=2)
    wait_backfilled(deployment)
    tickets = [ticket["id"] for ticket in open_tickets(deployment, 6)]
    deployment.sandbox.control.post("/_sandbox/config", json={"tokenTtlS": 3})
    deployment.sandbox.control.post(
        "/_sandbox/faults", json={"errorRate": 0.1, "throttleRate": 0.1, "phantomWriteRate": 0.1, "retryAfterS": 1}
    )
    raise_priority_through_faults(deployment, tickets)
    # then every action is applied exactly once
    wait_until(lambda: all_actions_final(deployment, 3 * len(tickets)), 150, "every action to finish")
    counts = marker_writes(deployment)
    assert len(counts) == 3 * len(tickets)
    assert set(counts.values()) == {1}
    assert deployment.sandbox.control.get("/_sandbox/tokens/stats").json()["refreshes"] >= 2


def raise_priority_through_faults(deployment, ticket_ids: list[str]) -> None:
    """The test's own changes retry through the injected faults (they are not deskpilot's)."""
    with deployment.api() as api:
        for ticket_id in ticket_ids:
            for _ in range(50):
                if api.patch(f"/tickets/{ticket_id}", json={"priority": "High"}).status_code == 200:
                    break
                time.sleep(0.1)


ROUTE_ASSIGN_MENTION = """
rules:
  - id: high-to-tier2
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
        - {field: department.name, not_equals: Tier 2}
    then:
      - move: {department: Tier 2}
      - assign: {strategy: round_robin}
      - comment: {public: false, text: "{{ mention(ticket.assignee) }} this one is yours now"}
"""


def test_a_rules_actions_run_in_order_and_later_texts_see_the_picked_agent(pipeline):
    deployment = pipeline(ROUTE_ASSIGN_MENTION)
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    wait_until(
        lambda: comments_on(deployment, ticket["id"]), ACT_TIMEOUT_S, "the comment after the move and assignment"
    )
    writes = [
        entry
        for entry in deployment.writes()
        if entry["applied"] and ticket["id"] in entry["path"] and entry["body"] != {"priority": "High"}
    ]
    assert [entry["path"].rsplit("/", 1)[-1] for entry in writes] == ["move", ticket["id"], "comments"]
    agent_id = writes[1]["body"]["assigneeId"]
    with deployment.api() as api:
        agent = api.get(f"/agents/{agent_id}").json()
        tier2 = next(d for d in api.get("/departments").json()["data"] if d["name"] == "Tier 2")
    assert tier2["id"] in agent["associatedDepartmentIds"]
    assert f"zsu[@user:{agent['zuid']}]zsu" in writes[2]["body"]["content"]
