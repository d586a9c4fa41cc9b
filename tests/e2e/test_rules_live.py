"""Rules in a running deployment: the loop guard, the fire cap, and hot reload that refuses broken files."""

from __future__ import annotations

import time

from tests.e2e.scenarios import COMMENT_ON_HIGH, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import wait_until

SUBJECT_BANG = """
rules:
  - id: subject-bang
    on: ticket.updated
    retrigger: {retrigger}
    max_fires_per_ticket_per_hour: 3
    if:
      all:
        - {{field: subject, changed: true}}
    then:
      - update: {{subject: "{{{{ ticket.subject }}}}!"}}
"""
SETTLE_POLLS = 6


def subject_patches(deployment, ticket_id: str) -> list[dict]:
    return [
        entry
        for entry in deployment.writes("PATCH", f"/tickets/{ticket_id}")
        if entry["applied"] and "subject" in (entry["body"] or {})
    ]


def change_subject_and_settle(deployment) -> tuple[str, list[dict]]:
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    with deployment.api() as api:
        assert api.patch(f"/tickets/{ticket['id']}", json={"subject": "Printer on fire"}).status_code == 200
    wait_until(lambda: len(subject_patches(deployment, ticket["id"])) >= 2, 60, "the rule's first write")
    time.sleep(SETTLE_POLLS * deployment.poll_interval_s)
    return ticket["id"], subject_patches(deployment, ticket["id"])


def test_a_rule_changing_what_it_matches_does_not_loop(pipeline):
    deployment = pipeline(SUBJECT_BANG.format(retrigger="false"))
    _ticket_id, patches = change_subject_and_settle(deployment)
    # the person's change, then exactly one of deskpilot's: its own change does not trigger the rule again
    assert [entry["body"]["subject"] for entry in patches] == ["Printer on fire", "Printer on fire!"]


def test_a_retriggering_rule_stops_at_its_cap(pipeline):
    deployment = pipeline(SUBJECT_BANG.format(retrigger="true"))
    ticket_id, patches = change_subject_and_settle(deployment)
    # three fires an hour at most, then the loop breaker holds
    assert [entry["body"]["subject"] for entry in patches] == [
        "Printer on fire",
        "Printer on fire!",
        "Printer on fire!!",
        "Printer on fire!!!",
    ]
    skipped = [
        entry
        for entry in deployment.store().audit.query(ticket=ticket_id, rule="subject-bang")
        if entry["entry"] == "evaluation" and entry["verdict"]["status"] == "skipped"
    ]
    assert skipped and "cap" in skipped[-1]["verdict"]["reason"]


def test_a_broken_rule_file_is_refused_and_the_old_rules_keep_working(pipeline):
    deployment = pipeline(COMMENT_ON_HIGH)
    wait_backfilled(deployment)
    # when someone drops a broken file next to the good one
    (deployment.rules_dir / "broken.yaml").write_text(
        "rules:\n  - id: oops\n    on: ticket.updated\n    if: {field: priority, equal: High}\n"
    )
    wait_until(
        lambda: "rules.refused" in (deployment.root / "scheduler.log").read_text(),
        30,
        "the scheduler to refuse the new rule set",
    )
    # then the old rule still acts on a change
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    wait_until(
        lambda: [e for e in deployment.writes("POST", f"/tickets/{ticket['id']}/comments") if e["applied"]],
        60,
        "the old rule's comment",
    )
    for log in ("scheduler.log", "worker-0.log"):
        refusal = next(line for line in (deployment.root / log).read_text().splitlines() if "rules.refused" in line)
        assert "broken.yaml:4" in refusal
