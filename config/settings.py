"""deskpilot's settings: environment variables prefixed DESKPILOT_, or a .env file in the working directory.

Secrets are SecretStr so that a repr, a log line or a traceback never shows them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

ENV_PREFIX = "DESKPILOT_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # The Desk (Zoho Desk API v1); every address is a setting because Zoho runs several data centres.
    api_root: str = "https://desk.zoho.com/api/v1"
    accounts_url: str = "https://accounts.zoho.com"
    token_scheme: Literal["Zoho-oauthtoken", "Bearer"] = "Zoho-oauthtoken"
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    refresh_token: SecretStr = SecretStr("")
    org_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Infrastructure.
    redis_url: str = "redis://127.0.0.1:6379/0"
    rules_path: Path = Path("rules")
    poll_interval_s: float = Field(10.0, gt=0)
    http_timeout_s: float = Field(30.0, gt=0)
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(9464, ge=0, le=65535)

    # The Desk client (worker/desk): shared rate budget, retries and waits. All limits are per organisation and
    # shared by every worker process through Redis.
    # Concurrent calls the Desk allows per org (plans: Free 5, Express/Standard 10, Professional 15, Enterprise 25).
    desk_max_concurrency: int = Field(10, ge=1, le=100)
    # Daily API credits assumed until the Desk reports X-Rate-Limit-Remaining-v3 (Standard plan base: 50,000).
    desk_daily_credits: int = Field(50_000, ge=1)
    # Share of the daily credits held back for high-priority calls (escalations); normal calls stop short of it.
    desk_reserve_share: float = Field(0.1, ge=0.0, lt=1.0)
    # Connect timeout; the read/write/pool timeouts are http_timeout_s.
    desk_connect_timeout_s: float = Field(5.0, gt=0)
    # Longest wait for a concurrency lease or a shared 429 pause before a call fails with BudgetWaitTimeout.
    desk_acquire_timeout_s: float = Field(30.0, gt=0)
    # Attempts per call (first try included) for reads and idempotent writes; total time bound per call.
    desk_retry_attempts: int = Field(4, ge=1, le=10)
    desk_retry_base_s: float = Field(0.25, gt=0)
    desk_retry_cap_s: float = Field(8.0, gt=0)
    desk_retry_deadline_s: float = Field(90.0, gt=0)
    # Pause for a 429 that carries no Retry-After (doubled on each further 429 within a minute, capped at 60 s).
    desk_throttle_backoff_s: float = Field(2.0, gt=0)

    # The pipeline (scheduler, poller, workers). Polls re-read [cursor - overlap, now) to absorb the search
    # index's lag and clock skew; events and actions not finished within their deadline are re-sent.
    poll_overlap_s: float = Field(30.0, ge=0)
    worker_threads: int = Field(8, ge=1, le=64)
    reconcile_interval_s: float = Field(15.0, gt=0)
    event_deadline_s: float = Field(60.0, gt=0)
    action_lease_s: float = Field(60.0, gt=0)
    action_deadline_s: float = Field(120.0, gt=0)
    rules_reload_s: float = Field(5.0, gt=0)
    directory_ttl_s: float = Field(600.0, gt=0)
    message_max_retries: int = Field(8, ge=0, le=50)
    # SLA: how often escalations are looked for (they fire within this of their due time), and how many
    # tickets' histories (one API call each) are read per poll after the first backfill.
    sla_sweep_interval_s: float = Field(60.0, gt=0)
    sla_timeline_fill_per_poll: int = Field(100, ge=1, le=1000)

    # Logging.
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "console", "json"] = "auto"

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
            lines.append(f"{name}: {error['msg']} (set it in the environment or in .env)")
        raise SettingsError("\n".join(lines)) from None
