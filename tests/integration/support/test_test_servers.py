"""The servers tests start (redis-server, the sandbox) never take another test's server for their own, and start
again on another port when theirs was taken (an outgoing connection or another test got it first)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support import ports
from tests.support.ports import PortTaken, free_port
from tests.support.redis_server import RedisServer
from tests.support.sandbox import SandboxProcess


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port()))
        sock.listen()
        yield sock.getsockname()[1]


def first_pick(monkeypatch, port: int) -> None:
    """`free_port` answers `port` once (as if it was free when checked), then as usual."""
    picks = iter([port])
    real = ports.free_port
    monkeypatch.setattr(ports, "free_port", lambda: next(picks, None) or real())


def test_a_free_port_is_below_the_ephemeral_range():
    assert all(ports.LOWEST <= free_port() < ports.ephemeral_low() for _ in range(20))


def test_a_redis_server_whose_port_was_taken_starts_on_another(tmp_path, monkeypatch, taken_port):
    first_pick(monkeypatch, taken_port)
    server = RedisServer(directory=tmp_path).start()
    try:
        assert server.port != taken_port
        assert int(server.client().info("server")["process_id"]) == server.process.pid
    finally:
        server.stop()


def test_a_redis_server_never_takes_another_on_its_port_for_itself(tmp_path, redis_server):
    # given another test's redis-server on the port this one is told to use
    (tmp_path / "mine").mkdir()
    mine = RedisServer(directory=tmp_path / "mine", port=redis_server.port)
    # then starting fails as a taken port, instead of handing out the other server
    with pytest.raises(PortTaken):
        mine.start()


def test_a_sandbox_whose_port_was_taken_starts_on_another(monkeypatch, taken_port):
    first_pick(monkeypatch, taken_port)
    sandbox = SandboxProcess(orgs=1, tickets=5).start()
    try:
        assert sandbox.port != taken_port and sandbox.org_ids
    finally:
        sandbox.stop()
