"""Free 127.0.0.1 ports for the servers tests start, chosen so that a server rarely finds its port taken, and a
way to start a server again on another port when it does.

A port the kernel hands out for `bind(0)` lies in the ephemeral range, which every outgoing connection (each
httpx or redis client of a test) also draws from: between the check and the server's own bind, a connection's
local end could take it, and the server would exit with "address already in use" (seen in CI with two pytest
processes). Ports here are drawn at random below that range, then checked free; a collision with another test is
left to `start_on_free_port`, which tries another port.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

LOWEST = 10_000
ATTEMPTS = 5
T = TypeVar("T")


class PortTaken(RuntimeError):
    """The server exited at start because its port was taken."""


def ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (32768 on Linux when it cannot be read)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_port() -> int:
    """A port below the ephemeral range that nothing listens on now."""
    high = max(ephemeral_low() - 1, LOWEST + 1_000)
    while True:
        port = random.randint(LOWEST, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def start_on_free_port(start: Callable[[int], T], attempts: int = ATTEMPTS) -> T:
    """`start(port)` on a free port, again on another one while it raises PortTaken (the last time, it raises)."""
    for _ in range(attempts - 1):
        try:
            return start(free_port())
        except PortTaken:
            continue
    return start(free_port())
