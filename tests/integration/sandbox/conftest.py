"""The sandbox every test module here talks to: one per module (its writes stay its own), and a client on it.

A module seeds a different number of tickets per org by naming `TICKETS_PER_ORG` itself."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.sandbox import desk_support
from tests.integration.sandbox.helpers import api
from tests.support.sandbox import SandboxProcess


@pytest.fixture(scope="module")
def desk(request: pytest.FixtureRequest) -> Iterator[SandboxProcess]:
    tickets = getattr(request.module, "TICKETS_PER_ORG", desk_support.TICKETS_PER_ORG)
    process = SandboxProcess(tickets=tickets).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client(desk: SandboxProcess) -> Iterator[httpx.Client]:
    with api(desk) as client:
        yield client
