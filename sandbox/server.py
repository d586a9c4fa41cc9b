"""`deskpilot sandbox`: build a seeded desk, print how to reach it, serve it with uvicorn until stopped."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from datetime import timedelta

import uvicorn

from sandbox.app import build_app
from sandbox.oauth import ALL_SCOPES, DEFAULT_TOKEN_TTL, Grant
from sandbox.runtime import Credentials, Sandbox
from sandbox.seed import seed_desk
from sandbox.state import Desk

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8700
CONTROL_TOKEN_ENV = "SANDBOX_CONTROL_TOKEN"


@dataclass(frozen=True)
class SandboxOptions:
    seed: int = 1
    orgs: int = 2
    tickets: int = 200


def create_sandbox(options: SandboxOptions) -> Sandbox:
    """A seeded desk with one OAuth client whose refresh token may use every scope on every org."""
    desk = Desk()
    seed_desk(desk, seed=options.seed, orgs=options.orgs, tickets=options.tickets)
    sandbox = Sandbox.create(desk)
    sandbox.client = sandbox.auth.register_client()
    grant = Grant(sandbox.client.client_id, frozenset(ALL_SCOPES), frozenset(desk.orgs))
    sandbox.credentials = Credentials(
        client_id=sandbox.client.client_id,
        client_secret=sandbox.client.client_secret,
        refresh_token=sandbox.auth.issue_refresh_token(grant),
    )
    return sandbox


def banner(sandbox: Sandbox, base_url: str) -> str:
    """What a user needs to point deskpilot (or curl) at this sandbox, as settings lines."""
    creds = sandbox.credentials
    assert creds is not None
    orgs = ",".join(sandbox.desk.orgs)
    return "\n".join(
        [
            f"sandbox Desk serving on {base_url}",
            f"  API root:      {base_url}/api/v1",
            f"  accounts URL:  {base_url}   (token endpoint {base_url}/oauth/v2/token)",
            f"  orgIds:        {orgs}",
            f"  client id:     {creds.client_id}",
            f"  client secret: {creds.client_secret}",
            f"  refresh token: {creds.refresh_token}",
            *(
                [f"  control token: {sandbox.control_token}   (send as X-Sandbox-Token to every /_sandbox/ control)"]
                if sandbox.control_token
                else []
            ),
            "settings for deskpilot (.env):",
            f"DESKPILOT_API_ROOT={base_url}/api/v1",
            f"DESKPILOT_ACCOUNTS_URL={base_url}",
            f"DESKPILOT_CLIENT_ID={creds.client_id}",
            f"DESKPILOT_CLIENT_SECRET={creds.client_secret}",
            f"DESKPILOT_REFRESH_TOKEN={creds.refresh_token}",
            f"DESKPILOT_ORG_IDS={orgs}",
        ]
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on (default 8700)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated desk (default 1)")
    parser.add_argument("--tickets", type=int, default=200, help="tickets per organisation (default 200)")
    parser.add_argument("--orgs", type=int, default=2, help="organisations (default 2)")
    parser.add_argument(
        "--activity", type=float, default=0.0, metavar="RATE", help="simulated changes per second (default 0: none)"
    )
    parser.add_argument(
        "--token-ttl",
        type=float,
        default=DEFAULT_TOKEN_TTL.total_seconds(),
        metavar="SECONDS",
        help="access token lifetime (default 3600)",
    )
    parser.add_argument(
        "--concurrency-limit",
        type=int,
        default=None,
        metavar="N",
        help="concurrent calls per org (default: the edition's, 15 for Professional)",
    )
    parser.add_argument(
        "--control-token",
        default=os.environ.get(CONTROL_TOKEN_ENV),
        metavar="TOKEN",
        help=f"token the /_sandbox/ controls require in X-Sandbox-Token (default ${CONTROL_TOKEN_ENV}; "
        "a random one, printed, when --host is not a loopback address; none otherwise)",
    )
    parser.add_argument(
        "--daily-credits",
        type=int,
        default=None,
        metavar="N",
        help="API credits per org and day (default: the edition's)",
    )


def apply_limits(sandbox: Sandbox, args: argparse.Namespace) -> None:
    """The command line's token lifetime and per-org limits (the /_sandbox/config control changes them later)."""
    sandbox.auth.token_ttl = timedelta(seconds=args.token_ttl)
    for org in sandbox.desk.orgs.values():
        limits = sandbox.org_limits(org)
        if args.concurrency_limit is not None:
            limits.concurrency = args.concurrency_limit
        if args.daily_credits is not None:
            limits.daily_credits = args.daily_credits


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def control_token(args: argparse.Namespace) -> str | None:
    """The given token; else a random one when others can reach the controls (they hand out the client secret)."""
    if args.control_token:
        return args.control_token
    return None if is_loopback(args.host) else secrets.token_urlsafe(24)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(sandbox: Sandbox, host: str, port: int, activity_rate: float = 0.0) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn handles both and stops cleanly)."""
    config = uvicorn.Config(
        build_app(sandbox, activity_rate), host=host, port=port, log_level="warning", access_log=False
    )
    uvicorn.Server(config).run()


def options_error(args: argparse.Namespace) -> str | None:
    if args.orgs < 1 or args.tickets < 0 or args.activity < 0:
        return "--orgs must be at least 1, --tickets and --activity at least 0"
    if args.token_ttl <= 0 or (args.concurrency_limit or 1) < 1 or (args.daily_credits or 1) < 1:
        return "--token-ttl, --concurrency-limit and --daily-credits must be positive"
    token = args.control_token
    if token is not None and not (token.isascii() and token.isprintable() and " " not in token and token):
        return "--control-token must be printable ASCII without spaces (it is sent as an HTTP header)"
    if not port_is_free(args.host, args.port):
        return (
            f"cannot listen on {args.host}:{args.port}: the port is in use or the address is not this machine's; "
            "pick another with --port"
        )
    return None


def run(args: argparse.Namespace) -> int:
    problem = options_error(args)
    if problem:
        print(f"deskpilot sandbox: {problem}", file=sys.stderr)
        return 2
    sandbox = create_sandbox(SandboxOptions(seed=args.seed, orgs=args.orgs, tickets=args.tickets))
    apply_limits(sandbox, args)
    sandbox.control_token = control_token(args)
    print(banner(sandbox, f"http://{args.host}:{args.port}"), flush=True)
    serve(sandbox, args.host, args.port, args.activity)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
