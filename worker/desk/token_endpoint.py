"""The accounts server's refresh_token grant, and what each of its failures means for the caller.

Failures split in two (worker/desk/errors.py):
- the credentials were refused (invalid_code: the refresh token is wrong or revoked; invalid_client: wrong client
  id or secret; any other `error` the server names): TokenRefreshError, permanent until someone fixes them;
- no token for a passing reason (the server unreachable, a 5xx or non-JSON answer, its "Access Denied"
  throttling, a 200 without a token, our own mint limit, or another process's refresh taking too long):
  TokenUnavailable, with a `retry_after` so actions wait and are retried once the accounts server recovers.
"""

from __future__ import annotations

from typing import Any

import httpx

from worker.desk.config import DeskConfig
from worker.desk.errors import TokenRefreshError, TokenUnavailable

TOKEN_PATH = "/oauth/v2/token"
DEFAULT_EXPIRES_IN_S = 3600
# How long to wait before asking again, per passing failure: an outage is retried soon, the server's own
# throttling ("too many requests continuously") is given a minute.
OUTAGE_RETRY_S = 15.0
THROTTLED_RETRY_S = 60.0
WAIT_TIMEOUT_RETRY_S = 5.0
PASSING: dict[str, float] = {
    "TOKEN_ENDPOINT_UNREACHABLE": OUTAGE_RETRY_S,
    "TOKEN_ENDPOINT_ERROR": OUTAGE_RETRY_S,
    "no_access_token": OUTAGE_RETRY_S,
    "Access Denied": THROTTLED_RETRY_S,
    "TOKEN_REFRESH_WAIT_TIMEOUT": WAIT_TIMEOUT_RETRY_S,
    "TOKEN_MINT_LIMIT": THROTTLED_RETRY_S,
}
HINTS = {
    "invalid_code": "the refresh token is invalid or revoked: mint a new one (DESKPILOT_REFRESH_TOKEN)",
    "invalid_client": "the client id or secret is wrong (DESKPILOT_CLIENT_ID / DESKPILOT_CLIENT_SECRET)",
    "invalid_client_secret": "the client secret is wrong (DESKPILOT_CLIENT_SECRET)",
    "Access Denied": "the accounts server refused: too many token requests; deskpilot waits and retries",
    "no_access_token": "the accounts server answered without an access token; deskpilot waits and retries",
}


def token_error(
    code: str, message: str, *, status: int | None = None, retry_after: float | None = None
) -> TokenRefreshError | TokenUnavailable:
    """The error for a failed mint: TokenUnavailable when the failure passes (retry_after defaults per code)."""
    if code in PASSING:
        wait = PASSING[code] if retry_after is None else retry_after
        return TokenUnavailable(
            message, error_code=code, status=status, retry_after=wait, method="POST", path=TOKEN_PATH
        )
    return TokenRefreshError(message, error_code=code, status=status, method="POST", path=TOKEN_PATH)


def mint(http: httpx.Client, config: DeskConfig) -> tuple[str, float]:
    """(access token, seconds it lives). Credentials go in the form body, never the URL (URLs get logged)."""
    url = config.accounts_url.rstrip("/") + TOKEN_PATH
    form = {
        "grant_type": "refresh_token",
        "client_id": config.client_id,
        "client_secret": config.client_secret.get_secret_value(),
        "refresh_token": config.refresh_token.get_secret_value(),
    }
    try:
        response = http.post(url, data=form)
    except httpx.HTTPError as exc:
        raise token_error(
            "TOKEN_ENDPOINT_UNREACHABLE", f"the accounts server did not answer ({type(exc).__name__})"
        ) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        raise token_error(
            "TOKEN_ENDPOINT_ERROR",
            "the accounts server answered with a non-JSON or non-200 response",
            status=response.status_code,
        )
    if "error" in body or not body.get("access_token"):
        code = str(body.get("error") or "no_access_token")
        description = body.get("error_description")
        raise token_error(
            code, _describe(code, description if isinstance(description, str) else None), status=response.status_code
        )
    expires_in: Any = body.get("expires_in", body.get("expires_in_sec", DEFAULT_EXPIRES_IN_S))
    try:
        expires_s = float(expires_in)
    except (TypeError, ValueError):
        expires_s = float(DEFAULT_EXPIRES_IN_S)
    return str(body["access_token"]), max(expires_s, 1.0)


def _describe(code: str, description: str | None) -> str:
    text = HINTS.get(code, "the accounts server refused the refresh_token grant")
    # The description is the server's own prose; it never echoes credentials, but keep it short.
    return f"{text} ({description[:200]})" if description else text
