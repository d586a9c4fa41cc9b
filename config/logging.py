"""structlog set-up: a readable console on a TTY, JSON lines otherwise; secrets are masked in every event.

Libraries that log through the standard `logging` module (dramatiq, uvicorn) go through the same renderer, so
every line of a process has one format.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
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


def redact_secrets(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask any key that names a secret and any token-shaped substring, whatever the caller passed."""
    for key, value in list(event.items()):
        if any(word in key.lower() for word in SECRET_KEYS) and value is not None:
            event[key] = MASK
        else:
            event[key] = _mask(value)
    return event


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(level: str = "info", fmt: str = "auto", stream: Any = None) -> None:
    """Configure structlog and the stdlib root logger once per process; `fmt` is auto (TTY -> console), console
    or json."""
    stream = stream or sys.stderr
    use_console = fmt == "console" or (fmt == "auto" and stream.isatty())
    renderer: Any = structlog.dev.ConsoleRenderer() if use_console else structlog.processors.JSONRenderer()
    numeric_level = getattr(logging, level.upper())
    structlog.configure(
        processors=[*SHARED_PROCESSORS, redact_secrets, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*SHARED_PROCESSORS, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_secrets,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(
        max(numeric_level, logging.WARNING)
    )  # libraries: warnings and errors only (httpx logs every call at info)
