"""The `deskpilot` command. Each sub-command lives in the module named for its job; this file only wires them.

Every error a user can cause ends here as one line on stderr and exit status 1 or 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from config.logging import configure_logging
from config.settings import SettingsError
from worker.app.preflight import PreflightError

Register = Callable[[argparse._SubParsersAction], None]


def _register_sandbox(sub: argparse._SubParsersAction) -> None:
    from sandbox.server import add_arguments, run

    parser = sub.add_parser("sandbox", help="serve a local, seeded Desk API v1 over HTTP")
    add_arguments(parser)
    parser.set_defaults(handler=run)


def _register_demo(sub: argparse._SubParsersAction) -> None:
    from worker.cli.demo import add_arguments, run

    parser = sub.add_parser("demo", help="run the demo: sandbox Desk, Redis, scheduler and workers with rules/")
    add_arguments(parser)
    parser.set_defaults(handler=run)


def _register_operations(sub: argparse._SubParsersAction) -> None:
    from worker.cli.ops import register

    register(sub)


def _register_rules(sub: argparse._SubParsersAction) -> None:
    from worker.cli.rules import register

    register(sub)


def _register_sla(sub: argparse._SubParsersAction) -> None:
    from worker.cli.sla import register

    register(sub)


def _register_webhooks(sub: argparse._SubParsersAction) -> None:
    from worker.cli.webhooks import register

    register(sub)


def _register_check(sub: argparse._SubParsersAction) -> None:
    from worker.cli.check import register

    register(sub)


REGISTRARS: tuple[Register, ...] = (
    _register_operations,
    _register_rules,
    _register_sla,
    _register_check,
    _register_webhooks,
    _register_sandbox,
    _register_demo,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deskpilot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging("warning")  # one-shot commands print their own lines; the services reconfigure from settings
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except SettingsError as exc:
        print(f"deskpilot: bad settings:\n{exc}", file=sys.stderr)
        return 2
    except PreflightError as exc:
        print(f"deskpilot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
