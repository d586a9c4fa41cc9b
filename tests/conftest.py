"""Fixtures shared by every test folder: a real redis-server per test."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(directory=tmp_path / "redis")
    server.directory.mkdir()
    server.start()
    yield server
    server.stop()
