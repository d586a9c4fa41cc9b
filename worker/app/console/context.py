"""What the console's pages read, handed in by the scheduler process that serves it (nothing read at import)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import dramatiq

from worker.app.console.access import Access
from worker.app.console.digest import Digest
from worker.app.console.snapshots import Snapshots
from worker.app.health import HealthVerdict
from worker.app.rules_source import Refusal
from worker.engine.ruleset import RuleSet
from worker.store import Store


@dataclass
class ConsoleContext:
    store: Store
    org_ids: list[str]
    rules: Callable[[], RuleSet]
    refusal: Callable[[], Refusal | None]  # the last refused reload, while it stands
    health: Callable[[], HealthVerdict]
    budget: Callable[[str], dict[str, Any]]  # desk/budget.py Budget.snapshot
    token_keys: tuple[str, str]  # the shared OAuth token's cache key and failure key
    actors: Mapping[str, dramatiq.Actor]  # by name, for re-driving dead letters
    digest: Digest
    snapshots: Snapshots
    access: Access
