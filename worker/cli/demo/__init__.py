"""`deskpilot demo`: the whole product on one machine, against the sandbox Desk, with the rules in rules/.

It starts Redis when none answers at the configured URL, the sandbox with its seeded desk and its activity
generator (customers opening and answering tickets, agents changing them), and the scheduler and workers in this
process; it shows a live feed of what the rules do, and on Ctrl-C (or --duration) prints a summary.

By default the sandbox delivers webhooks to the service's receiver (a free port on 127.0.0.1, the subscriptions
the rules need installed as `deskpilot webhooks install` does), and polling runs as the safety net; `--no-webhooks`
shows the polling alone. The summary splits events by what saw them first and reports change-to-action latency.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time

import uvicorn
from pydantic import SecretStr

from config.logging import configure_logging
from config.settings import Settings, load_settings
from sandbox.app import build_app
from sandbox.runtime import Sandbox
from sandbox.server import DEFAULT_HOST, DEFAULT_PORT, SandboxOptions, create_sandbox, port_is_free
from worker.app.preflight import PreflightError, require_rules
from worker.app.runtime import Runtime
from worker.app.subscriptions import department_ids, install, needs, subscriptions_body
from worker.cli.demo.feed import Feed
from worker.cli.demo.redis_child import start_redis
from worker.cli.demo.summary import render, summarize
from worker.store.webhooks import WebhookState

DEFAULT_ACTIVITY_RATE = 1.0
DEFAULT_POLL_INTERVAL_S = 2.0
DEFAULT_SAFETY_NET_S = 30.0
SERVER_START_TIMEOUT_S = 15.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duration", type=float, default=None, metavar="SECONDS", help="stop after this many seconds (default: Ctrl-C)"
    )
    parser.add_argument("--json", action="store_true", help="print only the summary, as one JSON object")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="sandbox port on 127.0.0.1 (default 8700)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated desk (default 1)")
    parser.add_argument("--tickets", type=int, default=200, help="tickets per organisation (default 200)")
    parser.add_argument(
        "--activity",
        type=float,
        default=DEFAULT_ACTIVITY_RATE,
        metavar="RATE",
        help="changes per second on the desk (default 1)",
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=DEFAULT_POLL_INTERVAL_S,
        metavar="SECONDS",
        help="poll interval (default 2)",
    )
    parser.add_argument("--no-webhooks", action="store_true", help="poll only: no webhook receiver, no subscriptions")
    parser.add_argument(
        "--safety-net-poll",
        type=float,
        default=DEFAULT_SAFETY_NET_S,
        metavar="SECONDS",
        help="the poll interval while webhooks deliver (default 30)",
    )
    parser.add_argument("--verbose", action="store_true", help="show the service's own log lines too")


def _serve_sandbox(sandbox: Sandbox, port: int, activity: float) -> uvicorn.Server:
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(sandbox, activity), host=DEFAULT_HOST, port=port, log_level="warning", access_log=False
        )
    )
    threading.Thread(target=server.run, name="sandbox", daemon=True).start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline:
            raise PreflightError(f"the sandbox did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    return server


def _pipeline_settings(
    settings: Settings, sandbox: Sandbox, port: int, redis_url: str, poll_interval_s: float
) -> Settings:
    creds = sandbox.credentials
    if creds is None:
        raise RuntimeError("the sandbox has no credentials yet: start it before building the settings")
    base = f"http://{DEFAULT_HOST}:{port}"
    return settings.model_copy(
        update={
            "api_root": f"{base}/api/v1",
            "accounts_url": base,
            "client_id": creds.client_id,
            "client_secret": SecretStr(creds.client_secret),
            "refresh_token": SecretStr(creds.refresh_token),
            "org_ids": list(sandbox.desk.orgs),
            "redis_url": redis_url,
            "poll_interval_s": poll_interval_s,
            # /metrics when its port is free; the demo prints its own summary either way
            "metrics_port": settings.metrics_port if port_is_free(settings.metrics_host, settings.metrics_port) else 0,
            # the operations console likewise: its URL is printed when it is served
            "console_port": settings.console_port if port_is_free(settings.console_host, settings.console_port) else 0,
        }
    )


def _with_webhooks(settings: Settings, safety_net_s: float) -> Settings:
    with socket.socket() as probe:  # a free port for the receiver (IngressServer binds it again at once)
        probe.bind((DEFAULT_HOST, 0))
        port = probe.getsockname()[1]
    update = {"webhook_host": DEFAULT_HOST, "webhook_port": port, "webhook_poll_interval_s": safety_net_s}
    return settings.model_copy(update=update)


def _install_webhooks(runtime: Runtime, port: int) -> str:
    """The subscriptions the rules need, per org, delivering to the receiver the service is about to start."""
    need = needs(runtime.rules.load())
    url = f"http://{DEFAULT_HOST}:{port}/desk"
    state = WebhookState(runtime.redis, runtime.store.keys)
    for org_id in runtime.settings.org_ids:
        client = runtime.client(org_id)
        install(client, state, url, subscriptions_body(need, department_ids(client, need.departments)))
    return f"webhooks: the sandbox delivers {', '.join(need.events)} to {url}; polling is the safety net"


def run(args: argparse.Namespace) -> int:
    from worker.app.service import Service

    settings = load_settings()
    configure_logging("info" if args.verbose else "warning", settings.log_format)
    require_rules(settings)
    if not port_is_free(DEFAULT_HOST, args.port):
        raise PreflightError(f"port {args.port} on 127.0.0.1 is in use; pick another with --port")
    say = (lambda line: None) if args.json else (lambda line: print(line, flush=True))
    redis = start_redis(settings.redis_url, settings.redis_namespace)
    server = None
    try:
        sandbox = create_sandbox(SandboxOptions(seed=args.seed, tickets=args.tickets))
        server = _serve_sandbox(sandbox, args.port, args.activity)
        settings = _pipeline_settings(settings, sandbox, args.port, redis.url, args.poll_interval)
        say(
            f"deskpilot demo: sandbox Desk on http://{DEFAULT_HOST}:{args.port}/api/v1 "
            f"(orgs {', '.join(sandbox.desk.orgs)}), Redis {redis.url}, rules from {settings.rules_path}/; "
            "Ctrl-C to stop"
        )
        if settings.console_port:
            say(f"operations console: http://{settings.console_host}:{settings.console_port}/")
        if not args.no_webhooks:
            settings = _with_webhooks(settings, args.safety_net_poll)
        runtime = Runtime.from_settings(settings)
        if settings.webhook_port:
            say(_install_webhooks(runtime, settings.webhook_port))
        runtime.outbound().redirect = f"http://{DEFAULT_HOST}:{args.port}/_sandbox/notify"  # never outside
        service = Service(runtime)
        feed = Feed(runtime.store, say)
        feed.start()
        if args.duration is not None:
            threading.Timer(args.duration, service.stop.set).start()
        started = time.monotonic()
        service.run()
        feed.stop.set()
        used = sum(limits.used for limits in sandbox.limits.orgs.values())
        summary = summarize(runtime.store, used, used, sandbox.activity.stats(), time.monotonic() - started)
        print(json.dumps(summary) if args.json else render(summary), flush=True)
        runtime.close()
        return 0
    finally:
        if server is not None:
            server.should_exit = True
        redis.stop()


__all__ = ["add_arguments", "run"]
