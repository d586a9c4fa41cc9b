"""`deskpilot sandbox`: build a seeded desk, print how to reach it, serve it with uvicorn until stopped."""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import uvicorn

from sandbox.app import build_app
from sandbox.oauth import ALL_SCOPES, Grant
from sandbox.runtime import Credentials, Sandbox
from sandbox.seed import seed_desk
from sandbox.state import Desk

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8700


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


def run(args: argparse.Namespace) -> int:
    if args.orgs < 1 or args.tickets < 0:
        print("deskpilot sandbox: --orgs must be at least 1 and --tickets at least 0", file=sys.stderr)
        return 2
    sandbox = create_sandbox(SandboxOptions(seed=args.seed, orgs=args.orgs, tickets=args.tickets))
    print(banner(sandbox, f"http://{args.host}:{args.port}"), flush=True)
    config = uvicorn.Config(build_app(sandbox), host=args.host, port=args.port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run()
    except OSError as exc:  # the port is taken, or the address is not ours
        print(f"deskpilot sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
