"""Every key a running deployment writes is under its namespace and in a family store/keys.py lists, so two
deployments can share one Redis database and a reader of keys.py sees the whole keyspace."""

from __future__ import annotations

import time

from tests.e2e.scenarios import COMMENT_ON_HIGH, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import wait_until
from worker.store.keys import FAMILIES, SEPARATOR

NAMESPACE = "team-a.prod"
ACT_TIMEOUT_S = 60


def test_a_deployment_writes_only_keys_under_its_namespace_in_listed_families(pipeline):
    # given a deployment with its own namespace that polled, evaluated and acted
    deployment = pipeline(COMMENT_ON_HIGH, extra_env={"DESKPILOT_REDIS_NAMESPACE": NAMESPACE})
    wait_backfilled(deployment)
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    wait_until(lambda: deployment.writes("POST", f"/tickets/{ticket['id']}/comments"), ACT_TIMEOUT_S, "the comment")
    time.sleep(2 * deployment.poll_interval_s)  # the poll that sees deskpilot's own comment, a reconcile
    # when every key of the database is listed
    names = list(deployment.store().redis.scan_iter("*", count=1000))
    # then each is <namespace>:<listed family>:..., the Desk client's and dramatiq's included
    outside = [name for name in names if not name.startswith(NAMESPACE + SEPARATOR)]
    unlisted = sorted({name.split(SEPARATOR)[1] for name in names} - FAMILIES)
    assert names and outside == [] and unlisted == []
    families = {name.split(SEPARATOR)[1] for name in names}
    assert {"desk", "dramatiq", "action", "event", "mirror", "audit"} <= families
