"""`deskpilot check`: is this deployment ready to talk to its Desk?

One line per check, `ok` or `FAIL` with what to fix; exit status 0 only when every check passes:
  settings      the DESKPILOT_* variables are present and well formed
  redis         DESKPILOT_REDIS_URL answers
  token         an access token is at hand: the one cached in Redis for the service when valid, else a real refresh
                (the accounts server mints at most 10 per 10 minutes: a check must not spend them)
  org <id>      each DESKPILOT_ORG_IDS entry is one of the token's organisations and answers an org-scoped call
  scope <name>  the token holds each scope deskpilot needs (probes that cannot change anything, see PROBES), and
                each one the loaded rules' actions need (app/rule_scopes.py: tags need Desk.tickets.CREATE)
  webhooks      with a receiver set up (DESKPILOT_WEBHOOK_PORT): each org's subscriptions are on the Desk and
                deliveries arrive (cli/webhooks.py webhook_health)
  outbound      what the rules' notify and email actions need: the SMTP settings, the variables targets name
  smtp          with DESKPILOT_SMTP_HOST set: the server answers, its TLS certificate is trusted and the login
                is accepted (connect, TLS, login, NOOP: no mail is sent)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO, TypeVar

import redis as redis_lib

from config.settings import Settings, SettingsError, load_settings
from worker.actions.mail import probe
from worker.actions.outbound import DeliveryFailed, DeliveryRefused, OutboundSetupError, SmtpConfig
from worker.app.desk_config import desk_config
from worker.app.outbound_check import outbound_report
from worker.app.outbound_setup import smtp_config
from worker.app.preflight import safe_redis_url
from worker.app.rule_scopes import rule_scopes
from worker.desk.client import DeskClient
from worker.desk.errors import (
    DeskError,
    InvalidRequest,
    NotFound,
    OrgMismatch,
    ScopeMismatch,
    TokenRefreshError,
    TokenUnavailable,
)
from worker.desk.models import Organization
from worker.desk.retry import RetryPolicy
from worker.engine.loader import check_rules
from worker.engine.ruleset import RuleSet

# What deskpilot's pollers and actions use: reads, ticket updates (assign, fields, move, updateMany, comments,
# replies, time entries, spam), searches, agents/departments (basic), contacts, task creation, and ticket fields
# (settings: the names rules use are checked against them at every reload).
REQUIRED_SCOPES: tuple[str, ...] = (
    "Desk.basic.READ",
    "Desk.tickets.READ",
    "Desk.tickets.UPDATE",
    "Desk.search.READ",
    "Desk.contacts.READ",
    "Desk.tasks.READ",
    "Desk.tasks.CREATE",
    "Desk.settings.READ",  # ticket fields: the statuses, priorities and custom fields rules name are checked
)

# A scope probe is a call that needs exactly that scope and changes nothing: reads ask for one item; writes
# target id 0 (which does not exist) or send an empty object (which fails validation). The Desk checks the
# scope before anything else, so SCOPE_MISMATCH means the scope is missing and any other answer means it is held.
Probe = Callable[[DeskClient], object]
PROBES: dict[str, Probe] = {
    "Desk.basic.READ": lambda c: c.departments.list(limit=1),
    "Desk.tickets.READ": lambda c: c.tickets.list(limit=1),
    "Desk.tickets.UPDATE": lambda c: c.transport.request("PATCH", "/tickets/0", json={"subject": "probe"}),
    "Desk.tickets.CREATE": lambda c: c.transport.request("POST", "/tickets", json={}, idempotent=True),
    "Desk.search.READ": lambda c: c.searches.tickets(limit=1),
    "Desk.contacts.READ": lambda c: c.contacts.list(limit=1),
    "Desk.contacts.UPDATE": lambda c: c.transport.request("PATCH", "/contacts/0", json={"lastName": "probe"}),
    "Desk.tasks.READ": lambda c: c.tasks.list(limit=1),
    "Desk.tasks.CREATE": lambda c: c.transport.request("POST", "/tasks", json={}, idempotent=True),
    "Desk.tasks.UPDATE": lambda c: c.transport.request("PATCH", "/tasks/0", json={"subject": "probe"}),
    "Desk.settings.READ": lambda c: c.fields.list("tickets"),
}
CHECK_POLICY = RetryPolicy(attempts=2, base_s=0.2, cap_s=1.0, deadline_s=20.0)


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        text = f"[{mark}] {self.name}: {self.detail}"
        return f"{text} -> {self.fix}" if (self.fix and not self.ok) else text


T = TypeVar("T")
# A check that yields its CheckResult(s) and returns what later checks need (None when they cannot run).
Checked = Generator[CheckResult, None, T]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="verify settings, Redis, the token, the org ids and the scopes deskpilot needs"
    )
    parser.add_argument(
        "--scope",
        action="append",
        dest="scopes",
        metavar="SCOPE",
        help=f"a scope to verify (repeatable); default: {', '.join(REQUIRED_SCOPES)} and those the rules need",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, *, out: TextIO | None = None, settings: Settings | None = None) -> int:
    out = out or sys.stdout
    results = list(checks(settings=settings, scopes=tuple(args.scopes) if args.scopes else None))
    for result in results:
        print(result.line(), file=out, flush=True)
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed", file=out)
    return 0 if not failed else 1


def checks(*, settings: Settings | None = None, scopes: Sequence[str] | None = None) -> Iterator[CheckResult]:
    """Yield one CheckResult per check; later checks are skipped (as failures) when what they need failed.
    Without `scopes`, REQUIRED_SCOPES and those the loaded rules' actions need are probed."""
    settings = yield from _check_settings(settings)
    if settings is None:
        return
    redis = yield from _check_redis(settings)
    if redis is None:
        return
    clients = [DeskClient(desk_config(settings), redis, org_id, policy=CHECK_POLICY) for org_id in settings.org_ids]
    try:
        first = clients[0]
        token = _check_token(first)
        yield token
        if not token.ok:
            return
        organisations = yield from _token_organisations(first)
        reachable: list[DeskClient] = []
        for client in clients:
            result = _check_org(client, organisations)
            yield result
            if result.ok:
                reachable.append(client)
        rules, _ = check_rules(settings.rules_path, settings.rules_max_file_bytes)
        needed = rule_scopes(rules) if rules is not None else {}
        if scopes is None:
            scopes = [*REQUIRED_SCOPES, *(scope for scope in needed if scope not in REQUIRED_SCOPES)]
        if reachable:  # scopes are probed through the first reachable org
            for scope in scopes:
                yield _check_scope(reachable[0], scope, needed.get(scope))
        yield from _check_webhooks(settings, reachable)
        yield _check_outbound(settings, rules)
        smtp = smtp_config(settings)  # None without DESKPILOT_SMTP_HOST and _FROM
        if smtp is not None:
            yield _check_smtp(smtp)
    finally:
        for client in clients:
            client.close()
        redis.close()


def _check_outbound(settings: Settings, rules: RuleSet | None) -> CheckResult:
    """What the rules' notify and email actions need: SMTP settings, the variables their targets name."""
    if rules is None:
        return CheckResult("outbound", False, "the rules do not load", "run deskpilot rules check")
    report = outbound_report(settings, rules)
    if report.errors:
        return CheckResult("outbound", False, "; ".join(report.errors), "set the DESKPILOT_SMTP_* variables")
    return CheckResult("outbound", True, "; ".join([report.summary, *report.warnings]))


def _check_smtp(smtp: SmtpConfig) -> CheckResult:
    """Ask the SMTP server what a mail would: the same error, named the same way, before a rule sends one."""
    try:
        return CheckResult("smtp", True, probe(smtp))
    except (OutboundSetupError, DeliveryFailed, DeliveryRefused) as exc:
        return CheckResult("smtp", False, str(exc), "fix the DESKPILOT_SMTP_* setting named, or the server")


def _check_settings(settings: Settings | None) -> Checked[Settings | None]:
    """Load the settings (unless given) and require the credentials, org ids and URLs; None when unusable."""
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as exc:
            yield CheckResult("settings", False, str(exc).replace("\n", "; "), "fix the variables named (env or .env)")
            return None
    problems = _settings_problems(settings)
    if problems:
        yield CheckResult(
            "settings", False, problems, "set them in the environment or in .env (see config/example.env)"
        )
        return None
    yield CheckResult(
        "settings",
        True,
        f"api_root={settings.api_root} accounts_url={settings.accounts_url} orgs={','.join(settings.org_ids)}",
    )
    return settings


def _settings_problems(settings: Settings) -> str:
    """What is missing or malformed, as one line ('' when nothing is)."""
    missing = [
        name
        for name, value in (
            ("DESKPILOT_CLIENT_ID", settings.client_id),
            ("DESKPILOT_CLIENT_SECRET", settings.client_secret.get_secret_value()),
            ("DESKPILOT_REFRESH_TOKEN", settings.refresh_token.get_secret_value()),
            ("DESKPILOT_ORG_IDS", ",".join(settings.org_ids)),
        )
        if not value
    ]
    bad_urls = [
        name
        for name, value in (
            ("DESKPILOT_API_ROOT", settings.api_root),
            ("DESKPILOT_ACCOUNTS_URL", settings.accounts_url),
        )
        if not value.startswith(("https://", "http://"))
    ]
    return "; ".join(
        ([f"missing {', '.join(missing)}"] if missing else [])
        + ([f"not an http(s) URL: {', '.join(bad_urls)}"] if bad_urls else [])
    )


def _check_redis(settings: Settings) -> Checked[redis_lib.Redis | None]:
    """Connect to DESKPILOT_REDIS_URL; None when it does not answer."""
    redis = redis_lib.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        redis.ping()
    except redis_lib.RedisError as exc:
        yield CheckResult(
            "redis",
            False,
            f"{safe_redis_url(settings.redis_url)} does not answer ({type(exc).__name__})",
            "start redis-server or set DESKPILOT_REDIS_URL",
        )
        return None
    yield CheckResult("redis", True, safe_redis_url(settings.redis_url))
    return redis


def _check_token(client: DeskClient) -> CheckResult:
    """The service's shared token when Redis holds a valid one (the org checks then prove the Desk takes it), else
    one refresh, shared through Redis like the service's own."""
    minted = client.tokens.refreshes
    try:
        token = client.tokens.get()
    except TokenRefreshError as exc:
        return CheckResult(
            "token",
            False,
            f"{exc.error_code}: {exc.message}",
            "check DESKPILOT_CLIENT_ID / DESKPILOT_CLIENT_SECRET / DESKPILOT_REFRESH_TOKEN "
            "and DESKPILOT_ACCOUNTS_URL (the data centre)",
        )
    except TokenUnavailable as exc:
        return CheckResult(
            "token",
            False,
            f"{exc.error_code}: {exc.message}",
            f"the accounts server is unreachable or throttling: try again in {exc.retry_after or 0:.0f}s "
            "(check DESKPILOT_ACCOUNTS_URL if it persists)",
        )
    except DeskError as exc:
        return CheckResult("token", False, str(exc), "check the accounts server settings")
    if client.tokens.refreshes > minted:
        return CheckResult("token", True, "refreshed an access token with the refresh token")
    return CheckResult("token", True, f"the shared access token in Redis is valid for {token.ttl_s:.0f}s more")


def _token_organisations(client: DeskClient) -> Checked[dict[str, Organization] | None]:
    """The token's organisations by id; None (after a failed CheckResult) when the Desk would not list them."""
    try:
        return {org.id: org for org in client.organizations.list()}
    except DeskError as exc:
        yield CheckResult("organizations", False, str(exc), _fix_for(exc))
        return None


def _check_org(client: DeskClient, organisations: dict[str, Organization] | None) -> CheckResult:
    """The org is one of the token's (when that list is known) and answers an org-scoped call."""
    name = f"org {client.org_id}"
    if organisations is not None and client.org_id not in organisations:
        known = ", ".join(f"{o.id} ({o.organizationName})" for o in organisations.values()) or "none"
        return CheckResult(
            name,
            False,
            f"not one of the token's organisations (it has: {known})",
            "fix DESKPILOT_ORG_IDS or mint the refresh token as a user of that org",
        )
    try:
        client.departments.list(limit=1)
    except ScopeMismatch:
        pass  # the org answered; a missing scope is the scope checks' business
    except DeskError as exc:
        return CheckResult(name, False, str(exc), _fix_for(exc))
    label = organisations[client.org_id].organizationName if organisations else None
    return CheckResult(name, True, f"answers ({label})" if label else "answers")


def _check_scope(client: DeskClient, scope: str, needed_by: str | None = None) -> CheckResult:
    """Run the scope's probe: SCOPE_MISMATCH means missing; any other refusal of the probe's target means held.
    `needed_by` names a rule action that needs the scope (it fails at run time without it)."""
    used = f" (the rules' {needed_by} needs it)" if needed_by else ""
    probe = PROBES.get(scope)
    if probe is None:
        return CheckResult(
            f"scope {scope}", False, "no probe known for this scope", f"known scopes: {', '.join(PROBES)}"
        )
    try:
        probe(client)
    except ScopeMismatch:
        return CheckResult(
            f"scope {scope}",
            False,
            f"missing (401 SCOPE_MISMATCH){used}",
            f"mint a refresh token whose scope list includes {scope}",
        )
    except (NotFound, InvalidRequest):
        pass  # the scope let the call through; the probe's own target was meant to be refused
    except DeskError as exc:
        return CheckResult(f"scope {scope}", False, f"could not tell: {exc}", _fix_for(exc))
    return CheckResult(f"scope {scope}", True, f"granted{used}")


def _check_webhooks(settings: Settings, clients: list[DeskClient]) -> Iterator[CheckResult]:
    from worker.app.runtime import Runtime
    from worker.cli.webhooks import webhook_health

    runtime = Runtime.from_settings(settings)
    try:
        for ok, name, detail, fix in webhook_health(settings, runtime, clients):
            yield CheckResult(name, ok, detail, fix)
    finally:
        runtime.redis.close()


def _fix_for(exc: DeskError) -> str:
    if isinstance(exc, OrgMismatch):
        return "the org id does not belong to the token's user: fix DESKPILOT_ORG_IDS"
    if isinstance(exc, ScopeMismatch):
        return "mint a refresh token with the missing scope"
    if isinstance(exc, TokenRefreshError):
        return "check the OAuth client settings and the refresh token"
    return "check DESKPILOT_API_ROOT and the Desk's status"
