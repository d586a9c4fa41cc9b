"""deskpilot's settings: environment variables prefixed DESKPILOT_, or a .env file in the working directory.

Secrets are SecretStr so that a repr, a log line or a traceback never shows them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "DESKPILOT_"
DAY_S = 86_400.0
REDIS_SCHEMES = ("redis", "rediss", "unix")
NAMESPACE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _http_url(value: str) -> str:
    """An address the client can call: http(s) with a host (a typo otherwise becomes retries forever)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL with a host, like https://desk.zoho.com/api/v1, not {value!r}")
    _port(parts)
    return value


def _redis_url(value: str) -> str:
    """redis://, rediss:// (TLS) or unix:// with a valid port; the value is never echoed (it may hold a password)."""
    parts = urlsplit(value)
    if parts.scheme not in REDIS_SCHEMES:
        raise ValueError("expected redis://host:port/db, rediss://host:port/db or unix:///path/to/redis.sock")
    if parts.scheme == "unix" and not parts.path:
        raise ValueError("a unix:// Redis URL needs the socket's path, like unix:///run/redis/redis.sock")
    _port(parts)
    return value


def _namespace(value: str) -> str:
    """The prefix of every Redis key; kept to characters that cannot be mistaken for the ':' separator."""
    if not NAMESPACE.fullmatch(value):
        raise ValueError("expected 1 to 64 letters, digits, '-', '_' or '.', like dp or dp-staging")
    return value


def _port(parts) -> None:
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError("the port must be a number from 1 to 65535")


HttpUrl = Annotated[str, AfterValidator(_http_url)]
RedisUrl = Annotated[str, AfterValidator(_redis_url)]
RedisNamespace = Annotated[str, AfterValidator(_namespace)]
# Waits, intervals and lifetimes: finite (inf/nan are refused by allow_inf_nan=False), positive, at most a day.
Seconds = Annotated[float, Field(gt=0, le=DAY_S)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        allow_inf_nan=False,
    )

    # The Desk (Zoho Desk API v1); every address is a setting because Zoho runs several data centres.
    api_root: HttpUrl = "https://desk.zoho.com/api/v1"
    accounts_url: HttpUrl = "https://accounts.zoho.com"
    token_scheme: Literal["Zoho-oauthtoken", "Bearer"] = "Zoho-oauthtoken"
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    refresh_token: SecretStr = SecretStr("")
    org_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Infrastructure.
    redis_url: RedisUrl = "redis://127.0.0.1:6379/0"
    # Every key deskpilot (and its dramatiq queues) writes starts with this: two deployments may share a database.
    redis_namespace: RedisNamespace = "dp"
    rules_path: Path = Path("rules")
    poll_interval_s: Seconds = 10.0
    http_timeout_s: Seconds = 30.0
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(9464, ge=0, le=65535)
    # The operations console (served by the scheduler; port 0: none). Any host but a loopback one needs the token,
    # which people then give once as ?token=... (the scheduler refuses to start without it).
    console_host: str = "127.0.0.1"
    console_port: int = Field(9465, ge=0, le=65535)
    console_token: SecretStr = SecretStr("")

    # The Desk client (worker/desk): shared rate budget, retries and waits. All limits are per organisation and
    # shared by every worker process through Redis.
    # Concurrent calls the Desk allows per org (plans: Free 5, Express/Standard 10, Professional 15, Enterprise 25).
    desk_max_concurrency: int = Field(10, ge=1, le=100)
    # Daily API credits assumed until the Desk reports X-Rate-Limit-Remaining-v3 (Standard plan base: 50,000).
    desk_daily_credits: int = Field(50_000, ge=1, le=1_000_000_000)
    # Share of the daily credits held back for high-priority calls (escalations); normal calls stop short of it.
    desk_reserve_share: float = Field(0.1, ge=0.0, lt=1.0)
    # Connect timeout; the read/write/pool timeouts are http_timeout_s.
    desk_connect_timeout_s: Seconds = 5.0
    # Longest wait for a concurrency lease or a shared 429 pause before a call fails with BudgetWaitTimeout.
    desk_acquire_timeout_s: Seconds = 30.0
    # Attempts per call (first try included) for reads and idempotent writes; total time bound per call.
    desk_retry_attempts: int = Field(4, ge=1, le=10)
    desk_retry_base_s: Seconds = 0.25
    desk_retry_cap_s: Seconds = 8.0
    desk_retry_deadline_s: Seconds = 90.0
    # Pause for a 429 that carries no Retry-After (doubled on each further 429 within a minute, capped at 60 s).
    desk_throttle_backoff_s: Seconds = 2.0
    # A write that got no answer (timeout, dropped connection, killed worker) may still be applied this long after
    # it was sent: the check before sending it again waits until then. The longest the Desk takes over a write.
    desk_write_settle_s: Seconds = 120.0

    # The pipeline (scheduler, poller, workers). A poll's window starts an overlap before the older of the last poll
    # and the newest change search has shown, but no further back than max index lag (poll_window.py): it absorbs
    # the search index's lag and clock skew. Events and actions not finished within their deadline are re-sent.
    poll_overlap_s: float = Field(30.0, ge=0, le=DAY_S)
    poll_max_index_lag_s: float = Field(900.0, gt=0, le=DAY_S)
    worker_threads: int = Field(8, ge=1, le=64)
    # The longest an idle worker's queue consumer waits between fetches. An enqueue wakes it at once
    # (app/wake.py), so this no longer delays a hop; it paces the idle fetches (each 3 Redis commands on each of
    # 10 queues: 1 s ~40 commands/s and ~0.5% of a core per idle worker, bench/bench_idle.py), how soon a delayed
    # retry that came due is moved to its queue, and SIGTERM's wait.
    worker_idle_wake_ms: int = Field(1000, ge=10, le=10_000)
    reconcile_interval_s: Seconds = 15.0
    event_deadline_s: Seconds = 60.0
    action_lease_s: Seconds = 60.0
    action_deadline_s: Seconds = 120.0
    rules_reload_s: Seconds = 5.0
    # Largest rule file accepted (bytes); a bigger one is refused like a syntax error (same default as the
    # offline `rules check`: worker/engine/loader.py DEFAULT_MAX_FILE_BYTES).
    rules_max_file_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    # A reload that leaves no rules, or drops every rule of a file (a deploy caught half-way), is refused, and so
    # is starting with no rules; true accepts both.
    allow_empty_rules: bool = False
    directory_ttl_s: Seconds = 600.0
    message_max_retries: int = Field(8, ge=0, le=50)
    # SLA: how often escalations are looked for (they fire within this of their due time), and how many
    # tickets' histories (one API call each) are read per poll after the first backfill.
    sla_sweep_interval_s: Seconds = 60.0
    sla_timeline_fill_per_poll: int = Field(100, ge=1, le=1000)
    # /healthz: how long an org may go without a successful poll, or work stay overdue, before it answers 503
    # (never less than 3 poll or reconcile intervals).
    health_grace_s: Seconds = 60.0

    # The webhook fast path (served by the scheduler; port 0: none, polling alone). The receiver answers the
    # Desk's deliveries (HTTPS in front of it: see the README); with subscriptions installed and deliveries
    # arriving, the poll runs every webhook_poll_interval_s as the safety net, and falls back to poll_interval_s
    # when a poll finds changes no delivery brought and none arrived for webhook_silence_s. The Desk's signing
    # keys are read from webhook_jwks_url (default: <api_root's host>/.well-known/jwks.json).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(0, ge=0, le=65535)
    webhook_poll_interval_s: Seconds = 60.0
    webhook_silence_s: Seconds = 120.0
    webhook_jwks_url: str = ""

    # Outbound messages. notify: the time one webhook delivery may take (connect, send, answer). email: the SMTP
    # server email actions send through (host and from are required once an email rule is loaded); tls: none,
    # starttls (upgrade a plain connection, port 587) or tls (implicit TLS, port 465). Both TLS modes verify the
    # server's certificate, against smtp_ca_file (a PEM file of CA certificates) when set, else the system's CAs.
    notify_timeout_s: Seconds = 10.0
    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = ""
    smtp_tls: Literal["none", "starttls", "tls"] = "starttls"
    smtp_timeout_s: Seconds = 30.0
    smtp_ca_file: str = ""

    # Logging.
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "console", "json"] = "auto"

    @field_validator("smtp_from")
    @classmethod
    def _check_sender(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", value):
            raise ValueError(f"expected one email address, like deskpilot@example.com, not {value!r}")
        return value

    @field_validator("org_ids", mode="before")
    @classmethod
    def _split_org_ids(cls, value: object) -> object:
        """Accept DESKPILOT_ORG_IDS as a comma list ("1,2"), as ops write it in an env file."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and what to do."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's errors into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ENV_PREFIX + "_".join(str(part) for part in error["loc"]).upper()
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message} (set it in the environment or in .env)")
        raise SettingsError("\n".join(lines)) from None
