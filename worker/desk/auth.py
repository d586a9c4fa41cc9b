"""OAuth for the Desk: one access token per (accounts server, client, refresh token), shared by every process.

- The token lives in Redis under a key derived from the accounts URL, the client id and a fingerprint of the refresh
  token, with a TTL a little shorter than its lifetime (Redis expires it on server time).
- Each process also keeps it in memory for the TTL Redis reported (a relative duration, so local clocks do not
  matter); a 401 drops the memory copy.
- One refresh at a time across processes: `SET lock NX PX`, released only by its holder (token-fenced Lua). The
  others poll the cache until the new token appears, then reuse it.
- `invalidate(token)` deletes the cached token only if it is still the refused one, so a late 401 from an old
  token never throws away the token another process just minted: at most one refresh per expiry.
- A failed mint is remembered for a few seconds, and mints are counted on Redis time against the accounts
  server's limit (10 per refresh token per 10 minutes), so a failure never turns into a stampede.

No access token, client secret or refresh token ever reaches a log line, an exception message or a repr.
"""
from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis as redis_lib
import structlog

from config.settings import Settings
from worker.desk.errors import TokenRefreshError

log = structlog.get_logger("worker.desk.auth")

TOKEN_PATH = "/oauth/v2/token"
DEFAULT_EXPIRES_IN_S = 3600
# Refresh this much before the Desk's expiry (capped share of the lifetime, so short test lifetimes still work).
EARLY_REFRESH_S = 60.0
EARLY_REFRESH_SHARE = 0.1
# Waiting for another process's refresh: poll period and bound.
WAIT_POLL_S = 0.05
WAIT_TIMEOUT_S = 30.0
# The accounts server allows this many mints per refresh token per window; we stop one short of being locked out.
MINT_LIMIT = 10
MINT_WINDOW_S = 600
# A failed mint is remembered this long; calls in the meantime fail fast instead of minting again.
FAILURE_MEMORY_S = 5.0

_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Delete the cached token only when it still holds the refused access token.
_INVALIDATE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, doc = pcall(cjson.decode, raw)
if (not ok) or doc['t'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Count a mint on Redis time; refuse (returning ms until the oldest one leaves the window) at the limit.
_COUNT_MINT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
"""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class AccessToken:
    """An access token; its value never appears in repr() or str()."""

    value: str = field(repr=False)
    ttl_s: float

    def __str__(self) -> str:
        return "AccessToken(***)"

    __repr__ = __str__


class TokenProvider:
    """Hands out the shared access token; thread-safe; one per process is enough (share it between clients)."""

    def __init__(
        self,
        settings: Settings,
        redis: redis_lib.Redis,
        *,
        http: httpx.Client | None = None,
        wait_timeout_s: float = WAIT_TIMEOUT_S,
    ) -> None:
        self._settings = settings
        self._redis = redis
        self._owns_http = http is None
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s, connect=settings.desk_connect_timeout_s)
        )
        self._wait_timeout_s = wait_timeout_s
        fingerprint = hashlib.sha256(
            "|".join(
                (settings.accounts_url.rstrip("/"), settings.client_id, settings.refresh_token.get_secret_value())
            ).encode()
        ).hexdigest()[:20]
        base = f"desk:oauth:{fingerprint}"
        self.cache_key = f"{base}:token"
        self.lock_key = f"{base}:lock"
        self.failure_key = f"{base}:failure"
        self.mints_key = f"{base}:mints"
        self._lock_ttl_ms = int((settings.http_timeout_s + settings.desk_connect_timeout_s + 5.0) * 1000)
        self._release = redis.register_script(_RELEASE_LOCK)
        self._invalidate = redis.register_script(_INVALIDATE)
        self._count_mint = redis.register_script(_COUNT_MINT)
        self._memo: tuple[AccessToken, float] | None = None  # (token, monotonic deadline)
        self._memo_lock = threading.Lock()
        self.refreshes = 0  # mints done by this process (for tests and `deskpilot check`)

    def __repr__(self) -> str:
        return f"TokenProvider(accounts_url={self._settings.accounts_url!r}, client_id={self._settings.client_id!r})"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    # -- public -----------------------------------------------------------------------------------------------
    def get(self) -> AccessToken:
        """The current access token: memory, then Redis, then a (single, shared) refresh."""
        memo = self._memo
        if memo is not None and time.monotonic() < memo[1]:
            return memo[0]
        cached = self._read_cache()
        if cached is not None:
            return cached
        return self.refresh(stale=None)

    def invalidate(self, token: AccessToken) -> None:
        """The Desk refused `token` (401 INVALID_OAUTH): forget it here and in Redis if it is still the cached one."""
        with self._memo_lock:
            if self._memo is not None and self._memo[0].value == token.value:
                self._memo = None
        self._invalidate(keys=[self.cache_key], args=[token.value])

    def refresh(self, stale: AccessToken | None = None, *, force: bool = False) -> AccessToken:
        """Get a fresh token: mint it under the shared lock, or wait for the holder's and reuse it.

        `stale` is a token known to be refused: a cached token equal to it is not reused. `force` mints even when a
        usable token is cached (used by `deskpilot check` to prove the refresh token works).
        """
        if force:
            cached = self._read_cache()
            if cached is not None:
                self.invalidate(cached)
                stale = cached
        deadline = time.monotonic() + self._wait_timeout_s
        while True:
            self._raise_recent_failure()
            fence = uuid.uuid4().hex
            if self._redis.set(self.lock_key, fence, nx=True, px=self._lock_ttl_ms):
                try:
                    cached = self._read_cache()
                    if cached is not None and (stale is None or cached.value != stale.value):
                        return cached
                    return self._mint_and_store()
                finally:
                    self._release(keys=[self.lock_key], args=[fence])
            # Another process is refreshing: wait for its token.
            while True:
                time.sleep(WAIT_POLL_S * (0.5 + random.random()))
                cached = self._read_cache()
                if cached is not None and (stale is None or cached.value != stale.value):
                    return cached
                self._raise_recent_failure()
                if time.monotonic() > deadline:
                    raise TokenRefreshError(
                        "timed out waiting for another process to refresh the access token",
                        error_code="TOKEN_REFRESH_WAIT_TIMEOUT",
                        path=TOKEN_PATH,
                    )
                if not self._redis.exists(self.lock_key):
                    break  # the holder finished (or died) without a token we can use: try to take the lock

    # -- internals --------------------------------------------------------------------------------------------
    def _read_cache(self) -> AccessToken | None:
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(self.cache_key)
        pipe.pttl(self.cache_key)
        raw, pttl = pipe.execute()
        raw = _text(raw)
        if raw is None or pttl is None or int(pttl) <= 0:
            return None
        try:
            doc = json.loads(raw)
            token = AccessToken(value=str(doc["t"]), ttl_s=int(pttl) / 1000.0)
        except (ValueError, KeyError, TypeError):
            return None
        with self._memo_lock:
            self._memo = (token, time.monotonic() + token.ttl_s)
        return token

    def _raise_recent_failure(self) -> None:
        raw = _text(self._redis.get(self.failure_key))
        if raw is None:
            return
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = {}
        raise TokenRefreshError(
            str(doc.get("message") or "the last token refresh failed moments ago"),
            error_code=str(doc.get("code") or "TOKEN_REFRESH_FAILED"),
            status=doc.get("status"),
            method="POST",
            path=TOKEN_PATH,
        )

    def _remember_failure(self, error: TokenRefreshError) -> None:
        doc = {"code": error.error_code, "message": error.message, "status": error.status}
        self._redis.set(self.failure_key, json.dumps(doc), px=int(FAILURE_MEMORY_S * 1000))

    def _mint_and_store(self) -> AccessToken:
        wait_ms = int(self._count_mint(keys=[self.mints_key], args=[MINT_LIMIT, MINT_WINDOW_S * 1000, uuid.uuid4().hex]))
        if wait_ms > 0:
            raise TokenRefreshError(
                f"{MINT_LIMIT} access tokens were minted in the last {MINT_WINDOW_S // 60} minutes; the accounts "
                f"server allows no more; next refresh possible in {wait_ms / 1000:.0f}s",
                error_code="TOKEN_MINT_LIMIT",
                method="POST",
                path=TOKEN_PATH,
            )
        try:
            value, expires_in = self._mint()
        except TokenRefreshError as error:
            self._remember_failure(error)
            log.warning("desk.token.refresh_failed", error_code=error.error_code, status=error.status)
            raise
        early = min(EARLY_REFRESH_S, expires_in * EARLY_REFRESH_SHARE)
        ttl_ms = max(int((expires_in - early) * 1000), 1000)
        self._redis.set(self.cache_key, json.dumps({"t": value}), px=ttl_ms)
        token = AccessToken(value=value, ttl_s=ttl_ms / 1000.0)
        with self._memo_lock:
            self._memo = (token, time.monotonic() + token.ttl_s)
        self.refreshes += 1
        log.info("desk.token.refreshed", expires_in_s=expires_in, cached_for_s=round(ttl_ms / 1000.0, 3))
        return token

    def _mint(self) -> tuple[str, float]:
        """The refresh_token grant. Credentials go in the form body, never the URL (URLs get logged)."""
        settings = self._settings
        url = settings.accounts_url.rstrip("/") + TOKEN_PATH
        form = {
            "grant_type": "refresh_token",
            "client_id": settings.client_id,
            "client_secret": settings.client_secret.get_secret_value(),
            "refresh_token": settings.refresh_token.get_secret_value(),
        }
        try:
            response = self._http.post(url, data=form)
        except httpx.HTTPError as exc:
            raise TokenRefreshError(
                f"the accounts server did not answer ({type(exc).__name__})",
                error_code="TOKEN_ENDPOINT_UNREACHABLE",
                method="POST",
                path=TOKEN_PATH,
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            raise TokenRefreshError(
                "the accounts server answered with a non-JSON or non-200 response",
                error_code="TOKEN_ENDPOINT_ERROR",
                status=response.status_code,
                method="POST",
                path=TOKEN_PATH,
            )
        if "error" in body or not body.get("access_token"):
            code = str(body.get("error") or "no_access_token")
            description = body.get("error_description")
            raise TokenRefreshError(
                _describe_token_error(code, description if isinstance(description, str) else None),
                error_code=code,
                status=response.status_code,
                method="POST",
                path=TOKEN_PATH,
            )
        expires_in = body.get("expires_in", body.get("expires_in_sec", DEFAULT_EXPIRES_IN_S))
        try:
            expires_s = float(expires_in)
        except (TypeError, ValueError):
            expires_s = float(DEFAULT_EXPIRES_IN_S)
        return str(body["access_token"]), max(expires_s, 1.0)


def _describe_token_error(code: str, description: str | None) -> str:
    hints = {
        "invalid_code": "the refresh token is invalid or revoked: mint a new one (DESKPILOT_REFRESH_TOKEN)",
        "invalid_client": "the client id or secret is wrong (DESKPILOT_CLIENT_ID / DESKPILOT_CLIENT_SECRET)",
        "invalid_client_secret": "the client secret is wrong (DESKPILOT_CLIENT_SECRET)",
        "Access Denied": "the accounts server refused: too many token requests; wait and retry",
    }
    text = hints.get(code, "the accounts server refused the refresh_token grant")
    # The description is the server's own prose; it never echoes credentials, but keep it short.
    return f"{text} ({description[:200]})" if description else text
