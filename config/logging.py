"""structlog set-up: a readable console on a TTY, JSON lines otherwise; secrets are masked in every event."""
from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

SECRET_KEYS = ("token", "secret", "password", "authorization", "refresh")
MASK = "***"
# An OAuth token as Zoho mints them ("1000.<hex>.<hex>") anywhere inside a string.
TOKEN_PATTERN = re.compile(r"\b1000\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b")


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return TOKEN_PATTERN.sub(MASK, value)
    return value


def redact_secrets(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Mask any key that names a secret and any token-shaped substring, whatever the caller passed."""
    for key, value in list(event.items()):
        if any(word in key.lower() for word in SECRET_KEYS) and value is not None:
            event[key] = MASK
        else:
            event[key] = _mask(value)
    return event


def configure_logging(level: str = "info", fmt: str = "auto") -> None:
    """Configure structlog once per process; `fmt` is auto (TTY -> console), console or json."""
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: Any = structlog.dev.ConsoleRenderer() if use_console else structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
