"""Serving the console from the scheduler process: its own port, loopback by default, a token for anything else.

`start_console` checks the bind first (a non-loopback host without DESKPILOT_CONSOLE_TOKEN, or a port in use, is
one PreflightError naming the setting), binds the socket itself (so the error is ours, not a log line of uvicorn's
thread), then starts uvicorn, the audit tailer and the snapshot thread as daemon threads.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import dramatiq
import uvicorn

from worker.app.actors import Actors
from worker.app.console.access import Access
from worker.app.console.app import build_app
from worker.app.console.context import ConsoleContext
from worker.app.console.digest import Digest
from worker.app.console.snapshots import Snapshots
from worker.app.console.tailer import AuditTailer
from worker.app.health import HealthCheck, HealthVerdict
from worker.app.preflight import PreflightError
from worker.app.rules_source import Refusal
from worker.app.runtime import Runtime
from worker.desk.auth import TokenProvider
from worker.desk.budget import Budget
from worker.engine.ruleset import RuleSet
from worker.store import Store

START_TIMEOUT_S = 10.0
MIN_TOKEN_CHARS = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def check_bind(host: str, token: str) -> None:
    if token and len(token) < MIN_TOKEN_CHARS:
        raise PreflightError(
            f"DESKPILOT_CONSOLE_TOKEN has {len(token)} characters: use at least {MIN_TOKEN_CHARS} random ones "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
        )
    if not is_loopback(host) and not token:
        raise PreflightError(
            f"DESKPILOT_CONSOLE_HOST={host} is reachable from other machines: set DESKPILOT_CONSOLE_TOKEN to a long "
            "random secret (people then open the console with ?token=...), or bind 127.0.0.1"
        )


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PreflightError(
            f"cannot serve the console on {host}:{port} ({exc.strerror}); "
            "set DESKPILOT_CONSOLE_PORT to a free port, or 0 for no console"
        ) from None
    sock.listen(128)
    return sock


@dataclass
class ConsoleServer:
    server: uvicorn.Server
    stop_event: threading.Event
    url: str
    tailer: AuditTailer
    snapshots: Snapshots

    def digest_caught_up(self) -> bool:
        """The audit stream's backlog has been read (the bench and tests wait for it)."""
        return self.tailer.caught_up.is_set()

    def snapshot_seconds(self) -> float | None:
        """What the last SLA snapshot took; None before the first."""
        return self.snapshots.current.seconds if self.snapshots.current.at else None

    def forecast_rows(self) -> int:
        return len(self.snapshots.current.rows)

    def stop(self) -> None:
        self.stop_event.set()
        self.server.should_exit = True


def start_console(
    *,
    store: Store,
    org_ids: list[str],
    rules: Callable[[], RuleSet],
    refusal: Callable[[], Refusal | None],
    health: Callable[[], HealthVerdict],
    budget: Callable[[str], dict[str, Any]],
    token_keys: tuple[str, str],
    actors: Mapping[str, dramatiq.Actor],
    host: str,
    port: int,
    token: str,
) -> ConsoleServer:
    """Serve the console on host:port (see the module docstring); ConsoleContext says what each part is."""
    check_bind(host, token)
    sock = bind(host, port)
    stop = threading.Event()
    digest = Digest()
    snapshots = Snapshots(store, org_ids, rules, stop)
    ctx = ConsoleContext(
        store, org_ids, rules, refusal, health, budget, token_keys, actors, digest, snapshots, Access(token)
    )
    tailer = AuditTailer(ctx.store, digest, stop)
    tailer.start()
    snapshots.start()
    config = uvicorn.Config(
        build_app(ctx, stop), log_level="warning", access_log=False, timeout_graceful_shutdown=2, lifespan="off"
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="console", daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return ConsoleServer(server, stop, f"http://{shown}:{bound_port}/", tailer, snapshots)


def console_for(runtime: Runtime, actors: Actors, health: HealthCheck, budget: Budget) -> ConsoleServer:
    """The scheduler's console, from its settings and parts (service.py)."""
    settings = runtime.settings
    tokens = TokenProvider(runtime.desk_config, runtime.redis)  # only for the key names of the shared token
    token_keys = (tokens.cache_key, tokens.failure_key)
    tokens.close()
    rules = runtime.rules
    return start_console(
        store=runtime.store,
        org_ids=list(settings.org_ids),
        rules=rules.current,
        refusal=lambda: rules.refusal,
        health=health.verdict,
        budget=budget.snapshot,
        token_keys=token_keys,
        actors=actors.by_name(),
        host=settings.console_host,
        port=settings.console_port,
        token=settings.console_token.get_secret_value(),
    )
