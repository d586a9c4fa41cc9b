"""`deskpilot webhooks install --url URL | status | remove`: the Desk's webhook subscriptions deskpilot receives.

install  per org, creates (or updates) one webhook named deskpilot whose subscriptions are what the loaded rules
         need (app/subscriptions.py), pointing at URL: the public HTTPS address of the receiver
         (DESKPILOT_WEBHOOK_HOST/PORT behind a TLS proxy). Running it again after a rule change updates it.
status   per org: each webhook deskpilot installed, whether the Desk still has it, its events, the last delivery
         and the poll's pace (webhook, or fallback when deliveries stopped).
remove   per org: deletes them on the Desk; a delivery still on its way is answered 410.
`deskpilot check` reports the same health (webhook_health).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

from config.logging import configure_logging
from config.settings import Settings, load_settings
from worker.app.poll_pace import PollPace
from worker.app.preflight import require_desk_credentials, require_redis, require_rules
from worker.app.runtime import Runtime
from worker.app.subscriptions import department_ids, install, needs, on_desk, remove, subscriptions_body
from worker.desk.client import DeskClient
from worker.desk.errors import DeskError
from worker.store.keys import server_ms
from worker.store.webhooks import WebhookState

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("webhooks", help="install, show or remove the Desk webhooks deskpilot receives")
    sub = parser.add_subparsers(dest="webhooks_command", required=True, metavar="ACTION")
    installing = sub.add_parser("install", help="create or update the subscriptions the loaded rules need")
    installing.add_argument("--url", required=True, help="the receiver's public URL, https://... (see README)")
    installing.set_defaults(handler=run_install)
    sub.add_parser("status", help="each org's webhooks, their last delivery, the poll's pace").set_defaults(
        handler=run_status
    )
    sub.add_parser("remove", help="delete deskpilot's webhooks on the Desk").set_defaults(handler=run_remove)


def _runtime() -> Runtime:
    settings = load_settings()
    configure_logging("warning", settings.log_format)
    require_desk_credentials(settings)
    require_rules(settings)
    require_redis(settings)
    return Runtime.from_settings(settings)


def _state(runtime: Runtime) -> WebhookState:
    return WebhookState(runtime.redis, runtime.store.keys)


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"--url must be an http(s) URL with a host, like https://deskpilot.example.com/desk, not {url!r}"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return "--url must be https:// (the Desk signs deliveries but does not encrypt them); put TLS in front"
    return None


def run_install(args: argparse.Namespace) -> int:
    problem = url_problem(args.url)
    if problem:
        print(f"deskpilot: {problem}", file=sys.stderr)
        return 2
    runtime = _runtime()
    need = needs(runtime.rules.load())
    if not runtime.settings.webhook_port:
        print("note: DESKPILOT_WEBHOOK_PORT is 0: the service runs no receiver until it is set", file=sys.stderr)
    failed = 0
    for org_id in runtime.settings.org_ids:
        client = runtime.client(org_id)
        try:
            body = subscriptions_body(need, department_ids(client, need.departments))
            webhook_id, how = install(client, _state(runtime), args.url, body)
        except (DeskError, LookupError, ValueError) as exc:
            print(f"org {org_id}: FAIL {exc}", file=sys.stderr)
            failed += 1
            continue
        departments = "all departments" if need.departments is None else f"departments {need.departments}"
        print(f"org {org_id}: webhook {webhook_id} {how}: {', '.join(sorted(body))} ({departments}) -> {args.url}")
    return 1 if failed else 0


def run_status(_args: argparse.Namespace) -> int:
    runtime = _runtime()
    lines = list(webhook_health(runtime.settings, runtime, [runtime.client(org) for org in runtime.settings.org_ids]))
    for ok, name, detail, fix in lines:
        print(f"[{'ok  ' if ok else 'FAIL'}] {name}: {detail}" + (f" -> {fix}" if fix and not ok else ""))
    return 0 if all(ok for ok, *_ in lines) else 1


def run_remove(_args: argparse.Namespace) -> int:
    runtime = _runtime()
    failed = 0
    for org_id in runtime.settings.org_ids:
        try:
            removed = remove(runtime.client(org_id), _state(runtime))
        except DeskError as exc:
            print(f"org {org_id}: FAIL {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"org {org_id}: removed {', '.join(removed) or 'nothing (none installed)'}")
    return 1 if failed else 0


def webhook_health(
    settings: Settings, runtime: Runtime, clients: list[DeskClient]
) -> Iterator[tuple[bool, str, str, str]]:
    """(ok, name, detail, fix) per org: the receiver is on, the Desk has the subscriptions, deliveries arrive."""
    if not settings.webhook_port:
        yield True, "webhooks", "off (DESKPILOT_WEBHOOK_PORT=0): changes are found by polling alone", ""
        return
    state = _state(runtime)
    pace = PollPace(settings, state, lambda: server_ms(runtime.redis))
    for client in clients:
        name = f"webhooks {client.org_id}"
        installed = state.installed(client.org_id)
        if not installed:
            yield False, name, "no subscription installed", "run deskpilot webhooks install --url https://..."
            continue
        try:
            gone = [webhook_id for webhook_id in installed if on_desk(client, webhook_id) is None]
        except DeskError as exc:
            yield False, name, f"the Desk did not answer: {exc}", "check DESKPILOT_API_ROOT and the scope Desk.events"
            continue
        if gone:
            fix = "run deskpilot webhooks install --url ... again (a 410 or a person removed it)"
            yield False, name, f"webhook {', '.join(gone)} is gone from the Desk", fix
            continue
        info = pace.info(client.org_id)
        age = info.get("last_delivery_age_s")
        detail = (
            f"{len(installed)} webhook(s) to {', '.join(sorted({item['url'] for item in installed.values()}))}; "
            f"last delivery {'never' if age is None else f'{age:.0f}s ago'}; "
            f"{info['deliveries']} deliveries, {info['changes_missed']} changes found only by the poll; "
            f"polling every {info['poll_interval_s']:.0f}s ({info['mode']})"
        )
        fix = "deliveries stopped: is the receiver reachable from the Desk at that URL (TLS proxy, firewall)?"
        yield info["mode"] != "fallback", name, detail, fix
