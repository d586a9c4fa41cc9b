"""The demo's Redis claim: it clears only its own namespace, and never a real deployment's (real redis-server)."""

from __future__ import annotations

import pytest

from worker.app.preflight import PreflightError
from worker.cli.demo.redis_child import start_redis


def test_a_demo_clears_its_earlier_run_in_its_namespace_and_leaves_other_namespaces_alone(redis_server):
    client = redis_server.client()
    client.set("demo-ns:demo", "1")
    client.set("demo-ns:cursor:1", "old")
    client.set("prod:cursor:1", "keep")
    start_redis(redis_server.url, "demo-ns")
    assert client.get("demo-ns:cursor:1") is None and client.get("prod:cursor:1") == "keep"


def test_a_namespace_holding_a_real_deployment_is_refused_with_what_to_set(redis_server):
    redis_server.client().set("prod:cursor:1", "keep")
    with pytest.raises(PreflightError, match="DESKPILOT_REDIS_NAMESPACE"):
        start_redis(redis_server.url, "prod")
    assert redis_server.client().get("prod:cursor:1") == "keep"
