"""End-to-end fixtures: a whole deployment per test (real redis-server, sandbox, scheduler and workers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.e2e


@pytest.fixture
def pipeline(tmp_path) -> Iterator[Callable[..., Pipeline]]:
    started: list[Pipeline] = []

    def start(rules: str, **options) -> Pipeline:
        deployment = Pipeline(root=tmp_path, rules=rules, **options).start()
        started.append(deployment)
        return deployment

    yield start
    for deployment in started:
        deployment.stop()
