"""The metrics server answers /healthz while another connection sits idle (a stuck scraper, a port scan)."""

from __future__ import annotations

import socket

import httpx
from prometheus_client.registry import Collector

from worker.app.health import HealthVerdict
from worker.app.metrics import serve


class _Empty(Collector):
    def collect(self):
        return iter(())


def test_an_idle_connection_does_not_block_healthz():
    # given a metrics server and a client that connects and sends nothing
    server = serve(_Empty(), HealthVerdict, "127.0.0.1", 0)  # type: ignore[arg-type]
    port = server.server_address[1]
    idle = socket.create_connection(("127.0.0.1", port))
    try:
        # when /healthz is asked on another connection
        answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5.0)
        # then it answers at once
        assert answer.status_code == 200
    finally:
        idle.close()
        server.shutdown()
        server.server_close()
