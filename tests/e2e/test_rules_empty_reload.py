"""Hot reload in a running deployment refuses an emptied rule file (a deploy caught half-way): the last good
rules keep acting on changes made meanwhile (issue 10 item 5)."""

from __future__ import annotations

from tests.e2e.scenarios import COMMENT_ON_HIGH, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import wait_until


def test_a_truncated_rule_file_is_refused_and_the_old_rules_keep_acting(pipeline):
    deployment = pipeline(COMMENT_ON_HIGH)
    wait_backfilled(deployment)
    # when the only rule file is truncated to nothing
    (deployment.rules_dir / "rules.yaml").write_text("")
    wait_until(
        lambda: (
            "rules.refused_empty" in (deployment.root / "worker-0.log").read_text()
            or "rules.refused_empty" in (deployment.root / "scheduler.log").read_text()
        ),
        30,
        "the deployment to refuse the empty rule set",
    )
    # then a change made in that window still gets the old rule's action
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    wait_until(
        lambda: [e for e in deployment.writes("POST", f"/tickets/{ticket['id']}/comments") if e["applied"]],
        60,
        "the old rule's comment",
    )
    log = (deployment.root / "scheduler.log").read_text() + (deployment.root / "worker-0.log").read_text()
    assert "rules.yaml" in next(line for line in log.splitlines() if "rules.refused_empty" in line)
