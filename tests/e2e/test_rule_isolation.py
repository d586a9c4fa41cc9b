"""One rule's failure is that rule's alone, through the running workers: a template dividing by zero next to a
healthy rule on the same event; the healthy rule writes, the broken one is audited as failed, the event is done."""

from __future__ import annotations

from tests.e2e.scenarios import open_tickets, raise_priority, wait_backfilled
from tests.e2e.test_operations import cli
from tests.support.pipeline import wait_until

RULES = """
rules:
  - id: divides-by-zero
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "Load is {{ ticket.threadCount | int / 0 }}"}
  - id: healthy
    on: ticket.updated
    if:
      all:
        - {field: priority, changed_to: High}
    then:
      - comment: {public: false, text: "Priority is now {{ ticket.priority }}."}
"""


def test_a_template_dividing_by_zero_fails_its_rule_alone(pipeline):
    deployment = pipeline(RULES)
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    # when a person raises the ticket's priority (both rules match the event)
    raise_priority(deployment, [ticket["id"]])
    # then the healthy rule's comment is written on the Desk
    comments = wait_until(
        lambda: [entry for entry in deployment.writes("POST", f"/tickets/{ticket['id']}/comments") if entry["applied"]],
        60,
        "the healthy rule's comment",
    )
    assert [entry["body"]["content"].split("<!--")[0] for entry in comments] == ["Priority is now High."]
    store = deployment.store()
    # and the broken rule is audited as failed, with the template's place and the cause, once
    failed = [
        entry
        for entry in store.audit.query(ticket=ticket["id"], rule="divides-by-zero")
        if entry["entry"] == "evaluation"
    ]
    assert [entry["verdict"]["status"] for entry in failed] == ["failed"]
    assert "then[0].comment.text" in failed[0]["verdict"]["reason"]
    assert "ZeroDivisionError" in failed[0]["verdict"]["reason"]
    # and the event was finished, not retried or dead-lettered; the failure is counted and logged
    wait_until(lambda: store.events.pending_count() == 0, 30, "the event to be finished")
    assert store.dead_letters.list() == []
    assert store.metrics.counters()[("rule_errors_total", "divides-by-zero")] == 1
    worker_logs = "".join(path.read_text() for path in deployment.root.glob("worker-*.log"))
    assert "rule.failed" in worker_logs and "divides-by-zero" in worker_logs
    # and `deskpilot audit --rule` lists the failure
    audit = cli(deployment, "audit", "--rule", "divides-by-zero")
    assert audit.returncode == 0, audit.stderr
    assert "-> failed" in audit.stdout and "ZeroDivisionError" in audit.stdout
