"""A console served over real HTTP from the scheduler's wiring (console_for), on a real redis-server, with a rules
folder of the test module's own; the store is seeded by each test through the real store modules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from config.settings import Settings
from tests.support.ports import free_port
from tests.support.redis_server import RedisServer
from worker.app.actors import actors_for
from worker.app.console.server import ConsoleServer, console_for
from worker.app.health import HealthCheck
from worker.app.runtime import Runtime
from worker.desk.budget import Budget
from worker.store.keys import server_ms

RULES = """
rules:
  - id: vip-comment
    name: Comment on VIP tickets
    on: ticket.created
    if:
      all:
        - {field: priority, equals: High}
    then:
      - comment: {public: false, text: "VIP"}
  - id: shadow-close
    on: ticket.updated
    dry_run: true
    if: {all: [{field: status, equals: Closed}]}
    then:
      - update: {priority: Low}
"""
ORG = "1001"


@dataclass
class Console:
    runtime: Runtime
    server: ConsoleServer
    http: httpx.Client


def settings_for(redis_url: str, rules_dir, **extra) -> Settings:
    return Settings(
        redis_url=redis_url,
        org_ids=[ORG],
        rules_path=rules_dir,
        metrics_port=0,
        console_port=free_port(),
        api_root="http://127.0.0.1:9/api/v1",
        accounts_url="http://127.0.0.1:9",
        **extra,
    )


def start(settings: Settings) -> tuple[Runtime, ConsoleServer]:
    runtime = Runtime.from_settings(settings)
    runtime.rules.catalogues = None  # no Desk here: names are not checked
    runtime.rules.load()
    budget = Budget.from_config(runtime.desk_config, runtime.redis)
    health = HealthCheck(runtime.redis, settings, server_ms(runtime.redis), lambda org: 0.0)
    return runtime, console_for(runtime, actors_for(runtime), health, budget)


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Console]:
    root = tmp_path_factory.mktemp("console")
    (root / "redis").mkdir()
    (root / "rules").mkdir()
    (root / "rules" / "rules.yaml").write_text(RULES)
    server = RedisServer(directory=root / "redis").start()
    runtime, console_server = start(settings_for(server.url, root / "rules"))
    http = httpx.Client(base_url=console_server.url, timeout=10.0)
    yield Console(runtime, console_server, http)
    http.close()
    console_server.stop()
    runtime.close()
    server.stop()
