"""`deskpilot demo`: the sandbox Desk with its seeded desk and live activity, and how to reach it.

This is the demo of the sandbox stage: the automation pipeline (scheduler, poller, workers acting on rules/)
joins it when it exists. Ctrl-C or --duration ends it with a summary of what happened on the desk.
"""
from __future__ import annotations

import argparse
import json
import threading

import uvicorn

from sandbox.app import build_app
from sandbox.server import DEFAULT_HOST, DEFAULT_PORT, SandboxOptions, banner, create_sandbox, port_is_free

DEFAULT_ACTIVITY_RATE = 1.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="sandbox port on 127.0.0.1 (default 8700)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated desk (default 1)")
    parser.add_argument("--tickets", type=int, default=200, help="tickets per organisation (default 200)")
    parser.add_argument("--activity", type=float, default=DEFAULT_ACTIVITY_RATE, metavar="RATE", help="simulated changes per second (default 1)")
    parser.add_argument("--duration", type=float, default=None, metavar="SECONDS", help="stop after this many seconds")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")


def run(args: argparse.Namespace) -> int:
    if not port_is_free(DEFAULT_HOST, args.port):
        print(f"deskpilot demo: port {args.port} on 127.0.0.1 is in use; pick another with --port", flush=True)
        return 2
    sandbox = create_sandbox(SandboxOptions(seed=args.seed, tickets=args.tickets))
    if not args.json:
        print(banner(sandbox, f"http://{DEFAULT_HOST}:{args.port}"), flush=True)
        print("demo running: customers and agents are changing tickets; Ctrl-C to stop", flush=True)
    config = uvicorn.Config(build_app(sandbox, args.activity), host=DEFAULT_HOST, port=args.port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if args.duration is not None:
        timer = threading.Timer(args.duration, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    server.run()
    summary = {"orgIds": list(sandbox.desk.orgs), "activity": sandbox.activity.stats(), "apiWrites": len(sandbox.writes.entries)}
    print(json.dumps(summary) if args.json else f"demo summary: {json.dumps(summary, indent=2)}", flush=True)
    return 0
