"""`deskpilot run | scheduler | worker | audit | dlq`: the service's processes and its operators' views."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone

from config.logging import configure_logging
from config.settings import load_settings
from worker.app.preflight import require_desk_credentials, require_outbound, require_redis, require_rules
from worker.app.runtime import Runtime
from worker.cli.args import duration
from worker.store.audit import entry_time

AUDIT_SINCE_MAX = timedelta(days=3650)


def _runtime(check_desk: bool = True) -> Runtime:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    if check_desk:
        require_desk_credentials(settings)
        require_outbound(settings, require_rules(settings))
    require_redis(settings)
    return Runtime.from_settings(settings)


def _service(scheduler: bool, workers: bool) -> int:
    from worker.app.service import Service

    return Service(_runtime(), scheduler=scheduler, workers=workers).run()


def run_all(_: argparse.Namespace) -> int:
    return _service(scheduler=True, workers=True)


def run_scheduler(_: argparse.Namespace) -> int:
    return _service(scheduler=True, workers=False)


def run_worker(_: argparse.Namespace) -> int:
    return _service(scheduler=False, workers=True)


def audit(args: argparse.Namespace) -> int:
    store = _runtime(check_desk=False).store
    since = datetime.now(timezone.utc) - args.since if args.since is not None else None
    for entry in store.audit.query(ticket=args.ticket, rule=args.rule, since=since):
        print(json.dumps(entry, default=str) if args.json else _audit_line(entry))
    return 0


def _audit_line(entry: dict) -> str:
    moment = entry_time(entry["id"]).strftime("%Y-%m-%d %H:%M:%S")
    if entry["entry"] == "action":
        return (
            f"{moment}  action      rule={entry['rule']} ticket={entry['ticket']} {entry['type']} -> "
            f"{entry['outcome']} {entry.get('detail', '')}"
        ).rstrip()
    if entry["entry"] == "sla":
        outcome = f"failed: {entry['error']}" if entry.get("error") else "backlog" if entry.get("backlog") else "fired"
        return (
            f"{moment}  sla         rule={entry['rule']} ticket={entry['ticket']} {entry.get('metric', '')} "
            f"level {entry.get('level', '')} -> {outcome}"
        )
    verdict = entry.get("verdict") or {}
    failure = verdict.get("failure") or {}
    why = verdict.get("reason") or (
        f"{failure.get('path')} {failure.get('operator')} {failure.get('expected')!r} "
        f"(actual {failure.get('actual')!r})"
        if failure
        else ""
    )
    return (
        f"{moment}  evaluation  rule={entry['rule']} ticket={entry['ticket']} {entry.get('event_kind')} -> "
        f"{verdict.get('status')} {why}"
    ).rstrip()


def dlq(args: argparse.Namespace) -> int:
    runtime = _runtime(check_desk=False)
    store = runtime.store
    if args.dlq_command == "list":
        entries = store.dead_letters.list()
        for entry in entries:
            print(json.dumps(entry, default=str))
        print(f"{len(entries)} dead letter(s)", file=sys.stderr)
        return 0
    from worker.app.actors import actors_for
    from worker.recovery.redrive import redrive

    count = redrive(runtime.store, actors_for(runtime).by_name(), args.id)
    print(f"re-sent {count} dead letter(s)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    for name, handler, text in (
        ("run", run_all, "the scheduler and workers in one process (small installs)"),
        ("scheduler", run_scheduler, "the scheduler: poll and sweep ticks, reconcile"),
        ("worker", run_worker, "a worker: poll, evaluate, act, sweep, reconcile messages"),
    ):
        sub.add_parser(name, help=text).set_defaults(handler=handler)
    parser = sub.add_parser("audit", help="show evaluations and actions")
    parser.add_argument("--ticket", help="only this ticket id")
    parser.add_argument("--rule", help="only this rule id")
    parser.add_argument("--since", type=duration(AUDIT_SINCE_MAX), help="only the last DURATION (e.g. 1h, 30m, 2d)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=audit)
    parser = sub.add_parser("dlq", help="dead letters: list them or send them again")
    dlq_sub = parser.add_subparsers(dest="dlq_command", required=True)
    dlq_sub.add_parser("list", help="show every dead letter")
    retry = dlq_sub.add_parser("retry", help="send dead letters again (all, or one by --id)")
    retry.add_argument("--id", help="a message id or action id")
    parser.set_defaults(handler=dlq)
