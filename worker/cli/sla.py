"""`deskpilot sla forecast | explain`: what will breach soon, and one ticket's clocks, from the mirror in Redis."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import timedelta

from config.logging import configure_logging
from config.settings import load_settings
from worker.app.preflight import PreflightError, require_redis, require_rules
from worker.app.runtime import Runtime
from worker.cli.args import duration
from worker.engine.durations import format_duration
from worker.engine.loader import load_rules
from worker.engine.sla import explain, forecast
from worker.engine.sla.timeline import Timeline
from worker.store import Store
from worker.store.keys import server_now

FORECAST_WITHIN_MAX = timedelta(days=365)


def _context() -> tuple[Runtime, list[str]]:
    settings = load_settings()
    configure_logging("warning", settings.log_format)
    require_rules(settings)
    require_redis(settings)
    runtime = Runtime.from_settings(settings)
    return runtime, list(settings.org_ids)


def _tickets(store: Store, org_ids: list[str]) -> Iterator[tuple[dict, Timeline]]:
    for org_id in org_ids:
        tickets = list(store.mirror.scan(org_id))
        timelines = store.timelines.get_many(org_id, [ticket["id"] for ticket in tickets])
        for ticket in tickets:
            if ticket["id"] in timelines:
                yield ticket, Timeline.from_dict(timelines[ticket["id"]])


def run_forecast(args: argparse.Namespace) -> int:
    runtime, org_ids = _context()
    rules = load_rules(runtime.settings.rules_path, runtime.settings.rules_max_file_bytes)
    now = server_now(runtime.redis)
    rows = forecast(rules, _tickets(runtime.store, org_ids), now, args.within)
    for row in rows:
        if args.json:
            print(
                json.dumps(
                    {
                        "ticket": row.ticket_id,
                        "ticketNumber": row.ticket_number,
                        "policy": row.policy,
                        "metric": row.metric,
                        "level": row.level,
                        "name": row.name,
                        "due_at": row.due_at.isoformat(),
                    }
                )
            )
            continue
        due_in = format_duration(row.due_at - now)
        print(
            f"#{row.ticket_number:<8} {row.ticket_id:<20} {row.policy:<18} {row.metric:<15} "
            f"level {row.level} {row.name:<10} due {row.due_at.strftime('%Y-%m-%d %H:%M')} UTC (in {due_in})"
        )
    if not args.json:
        print(f"{len(rows)} escalation(s) due within {format_duration(args.within)}")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    runtime, org_ids = _context()
    rules = load_rules(runtime.settings.rules_path, runtime.settings.rules_max_file_bytes)
    store = runtime.store
    for org_id in org_ids:
        ticket = store.mirror.get(org_id, args.ticket)
        if ticket is None:
            continue
        timeline = store.timelines.get_many(org_id, [args.ticket]).get(args.ticket)
        if timeline is None:
            raise PreflightError(
                f"ticket {args.ticket}: its history has not been read yet; the poller reads it within a few polls"
            )
        print(
            explain(
                rules,
                ticket,
                Timeline.from_dict(timeline),
                server_now(runtime.redis),
                store.timelines.fired(org_id, args.ticket),
            )
        )
        return 0
    raise PreflightError(
        f"ticket {args.ticket} is not in the mirror of orgs {', '.join(org_ids)} (closed long ago, or not polled yet)"
    )


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sla", help="SLA clocks: what will breach, and why a ticket's clock reads as it does")
    sla_sub = parser.add_subparsers(dest="sla_command", required=True)
    fore = sla_sub.add_parser("forecast", help="tickets whose SLA levels come due soon, breaches first")
    fore.add_argument(
        "--within",
        type=duration(FORECAST_WITHIN_MAX),
        default="4h",
        help="the window ahead, e.g. 30m, 4h, 2d (default 4h)",
    )
    fore.add_argument("--json", action="store_true", help="one JSON object per row")
    fore.set_defaults(handler=run_forecast)
    expl = sla_sub.add_parser("explain", help="one ticket's policy, clocks, pauses and next level")
    expl.add_argument("--ticket", required=True, help="the ticket id")
    expl.set_defaults(handler=run_explain)
