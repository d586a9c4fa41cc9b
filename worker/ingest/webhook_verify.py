"""Is a delivery from the Desk, for one of our orgs and one of our subscriptions? The `X-ZDesk-JWT` header is an
RS256 JWT (PyJWT verifies it) signed with a key the Desk publishes at `<desk host>/.well-known/jwks.json`;
`iss` is `orgId:<org>`, `aud` is `webhookId:<id>`.

Keys are fetched once and cached; a token naming a key we do not hold (the Desk rotated its keys) refetches the
set, at most once per REFETCH_MIN_S, so tokens with made-up key ids cannot turn into a flood of fetches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

ALGORITHMS = ["RS256"]
REFETCH_MIN_S = 5.0
LEEWAY_S = 30  # clock skew allowed on exp/iat/nbf
JWKS_TIMEOUT_S = 5.0
ISSUER_PREFIX = "orgId:"
AUDIENCE_PREFIX = "webhookId:"


class Refused(Exception):
    """A delivery refused: `status` is the answer (401; 410 for a subscription deskpilot removed; 503 when the
    Desk's keys cannot be read); the message is the log line's reason and never holds the token."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    org_id: str
    webhook_id: str
    jti: str | None
    expires_at: int  # epoch seconds


def fetch_jwks(url: str) -> dict[str, Any]:
    answer = httpx.get(url, timeout=JWKS_TIMEOUT_S)
    answer.raise_for_status()
    body = answer.json()
    if not isinstance(body, dict):
        raise ValueError("the JWKS answer is not a JSON object")
    return body


class JwksCache:
    """The Desk's signing keys by key id, refetched on an unknown id (rate-limited)."""

    def __init__(
        self,
        url: str,
        fetch: Callable[[str], dict[str, Any]] = fetch_jwks,
        clock: Callable[[], float] = time.monotonic,
        min_refetch_s: float = REFETCH_MIN_S,
    ) -> None:
        self.url = url
        self.min_refetch_s = min_refetch_s
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> Any | None:
        with self._lock:
            if kid not in self._keys and self._may_fetch():
                self._refresh()
            return self._keys.get(kid)

    def _may_fetch(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self.min_refetch_s

    def _refresh(self) -> None:
        self._fetched_at = self._clock()
        try:
            keys = jwt.PyJWKSet.from_dict(self._fetch(self.url)).keys
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            raise Refused(503, f"the Desk's keys could not be read from {self.url}: {type(exc).__name__}") from None
        self._keys = {key.key_id: key.key for key in keys if key.key_id}


def verify(
    token: str | None,
    keys: JwksCache,
    org_ids: Collection[str],
    subscription: Callable[[str, str], str],
) -> Verified:
    """The verified claims, or Refused. `subscription(org, webhook id)` says "installed", "retired" or "unknown"."""
    if not token:
        raise Refused(401, "no X-ZDesk-JWT header")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Refused(401, "the JWT is malformed") from None
    if header.get("alg") not in ALGORITHMS:
        raise Refused(401, f"the JWT's algorithm is {header.get('alg')!r}, not RS256")
    kid = header.get("kid")
    key = keys.key(kid) if isinstance(kid, str) else None
    if key is None:
        raise Refused(401, f"the JWT is signed with a key the Desk does not publish (kid {kid!r})")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            leeway=LEEWAY_S,
            options={"require": ["exp", "iss", "aud"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise Refused(401, "the JWT has expired") from None
    except jwt.PyJWTError as exc:
        raise Refused(401, f"the JWT does not verify ({type(exc).__name__})") from None
    org_id = _suffix(claims.get("iss"), ISSUER_PREFIX)
    if org_id is None or org_id not in org_ids:
        raise Refused(401, f"the JWT is for another org (iss {claims.get('iss')!r})")
    webhook_id = _suffix(claims.get("aud"), AUDIENCE_PREFIX)
    known = subscription(org_id, webhook_id) if webhook_id else "unknown"
    if known == "retired":
        raise Refused(410, f"webhook {webhook_id} was removed by deskpilot webhooks remove")
    if known != "installed":
        raise Refused(401, f"the JWT is for a webhook deskpilot did not install (aud {claims.get('aud')!r})")
    jti = claims.get("jti")
    return Verified(org_id, str(webhook_id), jti if isinstance(jti, str) and jti else None, int(claims["exp"]))


def _suffix(value: Any, prefix: str) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and value.startswith(prefix) and len(value) > len(prefix):
        return value[len(prefix) :]
    return None
