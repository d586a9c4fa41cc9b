"""Fixtures shared by every test folder: a real redis-server per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.redis_server import RedisServer
from tests.support.sandbox import SandboxProcess


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(directory=tmp_path / "redis")
    server.directory.mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox() -> Iterator[SandboxProcess]:
    """A fresh sandbox Desk per test (2 orgs, 50 tickets each), over real HTTP."""
    process = SandboxProcess().start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[SandboxProcess]:
    """One sandbox for read-only tests of the whole session; tests must not change its data."""
    process = SandboxProcess(reuse_token=True).start()
    yield process
    process.stop()
