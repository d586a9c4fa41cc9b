"""notify end to end: real scheduler and dramatiq worker processes, the sandbox Desk, a real webhook receiver on
127.0.0.1. The receiver answers 503 at first (retried through dramatiq) and slowly after, and the worker is killed
with SIGKILL mid-run: every action still reaches the receiver, each action id is acted on once by a receiver
that dedupes by Idempotency-Key, and every copy is the same signed body."""

from __future__ import annotations

import time

from tests.e2e.scenarios import all_actions_final, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import wait_until
from tests.support.receiver import Receiver
from worker.actions import webhook

SECRET = "e2e-hook-secret"
TICKETS = 8


def notify_on_high(url: str) -> str:
    return f"""
notify_targets:
  ops: {{url: "{url}/hook", secret_env: E2E_HOOK_SECRET}}
rules:
  - id: page-on-high
    on: ticket.updated
    if: {{field: priority, changed_to: High}}
    then:
      - notify: {{target: ops, text: "#{{{{ ticket.ticketNumber }}}} is now High"}}
"""


def test_each_notify_reaches_a_deduping_receiver_once_through_5xx_and_a_worker_kill(pipeline):
    receiver = Receiver(answers=[503, 503, 503], delay_s=0.3).start()
    try:
        deployment = pipeline(notify_on_high(receiver.url), workers=1, extra_env={"E2E_HOOK_SECRET": SECRET})
        wait_backfilled(deployment)
        tickets = [ticket["id"] for ticket in open_tickets(deployment, TICKETS)]
        raise_priority(deployment, tickets)
        wait_until(lambda: len(receiver.requests) >= 5, 60, "the first deliveries (3 answered 503)")
        deployment.kill_worker(deployment.worker_processes[0])
        deployment.add_worker()
        wait_until(lambda: all_actions_final(deployment, TICKETS), 120, "every notify to finish")
        time.sleep(1)  # a copy still in flight from the killed worker would land by now
    finally:
        receiver.stop()
    store = deployment.store()
    action_ids = {name.split(":")[2] for name in store.redis.scan_iter("dp:action:act-*") if name.count(":") == 2}
    assert len(action_ids) == TICKETS
    assert {store.ledger.get(action_id).state for action_id in action_ids} == {"done"}
    unique = receiver.unique()
    assert set(unique) == action_ids
    for request in receiver.requests:
        first = unique[request.headers["Idempotency-Key"]]
        assert request.body == first.body
        assert webhook.verify_signature(SECRET, request.headers["X-Deskpilot-Signature"], request.body, time.time())
    copies = len(receiver.requests) - len(unique)
    print(f"{len(receiver.requests)} requests for {TICKETS} actions: 3 answered 503, {copies - 3} sent again")
