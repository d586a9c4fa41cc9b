"""Checks before a long-running process starts, each failing with one line that says what to fix."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import redis as redis_lib
import structlog

from config.settings import ENV_PREFIX, Settings, SettingsError
from worker.app.outbound_check import outbound_report
from worker.engine.errors import RuleLoadError
from worker.engine.loader import load_rules
from worker.engine.ruleset import RuleSet

REQUIRED_FOR_DESK = ("client_id", "client_secret", "refresh_token", "org_ids")
log = structlog.get_logger(__name__)


class PreflightError(Exception):
    """Something the user must fix before the service can start; the message says what."""


def _is_set(settings: Settings, name: str) -> bool:
    value = getattr(settings, name)
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return bool(value)


def require_desk_credentials(settings: Settings) -> None:
    missing = [ENV_PREFIX + name.upper() for name in REQUIRED_FOR_DESK if not _is_set(settings, name)]
    if missing:
        raise SettingsError(
            "\n".join(
                f"{name}: missing; set it in the environment or in .env (deskpilot sandbox prints values to try)"
                for name in missing
            )
        )


def require_redis(settings: Settings) -> None:
    client = redis_lib.Redis.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except (redis_lib.ConnectionError, redis_lib.TimeoutError) as exc:
        raise PreflightError(
            f"cannot reach Redis at {ENV_PREFIX}REDIS_URL={safe_redis_url(settings.redis_url)} "
            f"({exc.__class__.__name__}); start redis-server or fix the setting"
        ) from None
    finally:
        client.close()


def require_rules(settings: Settings) -> RuleSet:
    try:
        return load_rules(settings.rules_path, settings.rules_max_file_bytes)
    except RuleLoadError as exc:
        problems = "\n".join(str(problem) for problem in exc.problems if problem.is_error)
        raise PreflightError(f"the rules at {settings.rules_path} are refused:\n{problems}") from None


def require_outbound(settings: Settings, rules: RuleSet) -> None:
    """Email actions need the SMTP settings (refused without); a variable a notify target names is warned about."""
    report = outbound_report(settings, rules)
    if report.errors:
        raise PreflightError("\n".join(report.errors))
    for warning in report.warnings:
        log.warning("outbound.variable_missing", problem=warning)


def safe_redis_url(url: str) -> str:
    """A Redis URL fit to print: any password (`redis://user:pw@host`, `redis://:pw@host`, `?password=pw`) masked."""
    parts = urlsplit(url)
    if "@" not in parts.netloc and "password" not in parts.query.lower():
        return url
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0] if ":" in credentials else ""
        netloc = f"{user}:***@{host}" if user else f"***@{host}"
    query = "&".join(
        f"{name}=***" if name.lower() == "password" else (f"{name}={value}" if value else name)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")
