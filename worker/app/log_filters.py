"""Operational failures (the Desk or Redis unreachable, credentials refused) are logged as one clear line with
what to check, not as a traceback: tracebacks stay for what is a bug. dramatiq still retries the message."""

from __future__ import annotations

import logging

import redis as redis_lib

from worker.desk.errors import AuthError, DeskError, NetworkError, ServerError, TokenRefreshError

HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (
        TokenRefreshError,
        "check DESKPILOT_ACCOUNTS_URL, DESKPILOT_CLIENT_ID, DESKPILOT_CLIENT_SECRET and DESKPILOT_REFRESH_TOKEN "
        "(deskpilot check)",
    ),
    (AuthError, "the Desk refused the token: check the refresh token's scopes and DESKPILOT_ORG_IDS (deskpilot check)"),
    (NetworkError, "the Desk did not answer: check DESKPILOT_API_ROOT and the network; the message will be retried"),
    (ServerError, "the Desk answered with server errors; the message will be retried"),
    (DeskError, "the Desk refused the call"),
    (
        redis_lib.RedisError,
        "Redis did not answer: check DESKPILOT_REDIS_URL; work waits in the event log and the ledger",
    ),
)
WORKER_LOGGERS = (
    "dramatiq.worker.WorkerThread",
    "dramatiq.worker.ConsumerThread",
    "dramatiq.middleware.retries.Retries",
)


def hint_for(error: BaseException) -> str | None:
    return next((hint for kind, hint in HINTS if isinstance(error, kind)), None)


class OperationalErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        hint = hint_for(error) if error is not None else None
        if hint is not None:
            record.msg = f"{record.getMessage()}: {error} ({hint})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def install() -> None:
    for name in WORKER_LOGGERS:
        logging.getLogger(name).addFilter(OperationalErrors())
