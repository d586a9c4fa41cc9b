"""OAuth for the Desk: one access token per (accounts server, client, refresh token), shared by every process.

- The token lives in Redis (`<key_prefix>:oauth:<fingerprint>:*`) under a key derived from the accounts URL, the
  client id and a fingerprint of the refresh token, with a TTL a little shorter than its lifetime (Redis expires
  it on server time).
- Each process also keeps it in memory for the TTL Redis reported (a relative duration, so local clocks do not
  matter); a 401 drops the memory copy.
- One refresh at a time across processes: `SET lock NX PX`, released only by its holder (token-fenced Lua). The
  others poll the cache until the new token appears, then reuse it.
- `invalidate(token)` deletes the cached token only if it is still the refused one, so a late 401 from an old
  token never throws away the token another process just minted: at most one refresh per expiry.
- A failed mint is remembered (a few seconds; a passing failure until its retry_after), and mints are counted on
  Redis time against the accounts server's limit (10 per refresh token per 10 minutes), so a failure never turns
  into a stampede. Refused credentials raise TokenRefreshError (permanent); an outage, throttling or the mint limit
  raise TokenUnavailable (a RateLimited: retried later), see token_endpoint.py.

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

from worker.desk.config import DeskConfig
from worker.desk.errors import TokenRefreshError, TokenUnavailable
from worker.desk.scripts import register
from worker.desk.token_endpoint import mint, token_error

log = structlog.get_logger("worker.desk.auth")

# Refresh this much before the Desk's expiry (capped share of the lifetime, so short test lifetimes still work).
EARLY_REFRESH_S = 60.0
EARLY_REFRESH_SHARE = 0.1
# Waiting for another process's refresh: poll period and bound.
WAIT_POLL_S = 0.05
WAIT_TIMEOUT_S = 30.0
# The accounts server allows this many mints per refresh token per window; we stop one short of being locked out.
MINT_LIMIT = 10
MINT_WINDOW_S = 600
# A refused mint is remembered this long (a passing failure: its retry_after); calls in the meantime fail fast
# instead of minting again.
FAILURE_MEMORY_S = 5.0


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
        config: DeskConfig,
        redis: redis_lib.Redis,
        *,
        http: httpx.Client | None = None,
        wait_timeout_s: float = WAIT_TIMEOUT_S,
    ) -> None:
        self._config = config
        self._redis = redis
        self._owns_http = http is None
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(config.http_timeout_s, connect=config.connect_timeout_s)
        )
        self._wait_timeout_s = wait_timeout_s
        fingerprint = hashlib.sha256(
            "|".join(
                (config.accounts_url.rstrip("/"), config.client_id, config.refresh_token.get_secret_value())
            ).encode()
        ).hexdigest()[:20]
        base = config.key("oauth", fingerprint)
        self.cache_key = f"{base}:token"
        self.lock_key = f"{base}:lock"
        self.failure_key = f"{base}:failure"
        self.mints_key = f"{base}:mints"
        self._lock_ttl_ms = int((config.http_timeout_s + config.connect_timeout_s + 5.0) * 1000)
        self._release = register(redis, "oauth_release_lock")
        self._invalidate = register(redis, "oauth_invalidate")
        self._count_mint = register(redis, "oauth_count_mint")
        self._memo: tuple[AccessToken, float] | None = None  # (token, monotonic deadline)
        self._memo_lock = threading.Lock()
        self.refreshes = 0  # mints done by this process (for tests and `deskpilot check`)

    def __repr__(self) -> str:
        return f"TokenProvider(accounts_url={self._config.accounts_url!r}, client_id={self._config.client_id!r})"

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

    def refresh(self, stale: AccessToken | None = None) -> AccessToken:
        """Get a fresh token: mint it under the shared lock, or wait for the holder's and reuse it.

        `stale` is a token known to be refused: a cached token equal to it is not reused.
        """
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
                    raise token_error(
                        "TOKEN_REFRESH_WAIT_TIMEOUT",
                        "timed out waiting for another process to refresh the access token",
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
        """Fail fast with the error of a mint that failed moments ago (its kind kept; retry_after what is left)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(self.failure_key)
        pipe.pttl(self.failure_key)
        raw, pttl = pipe.execute()
        raw = _text(raw)
        if raw is None:
            return
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = {}
        raise token_error(
            str(doc.get("code") or "TOKEN_REFRESH_FAILED"),
            str(doc.get("message") or "the last token refresh failed moments ago"),
            status=doc.get("status"),
            retry_after=max(int(pttl or 0), 1) / 1000.0,
        )

    def _remember_failure(self, error: TokenRefreshError | TokenUnavailable) -> None:
        doc = {"code": error.error_code, "message": error.message, "status": error.status}
        memory_s = error.retry_after if isinstance(error, TokenUnavailable) and error.retry_after else FAILURE_MEMORY_S
        self._redis.set(self.failure_key, json.dumps(doc), px=max(int(memory_s * 1000), 1))

    def _mint_and_store(self) -> AccessToken:
        wait_ms = int(
            self._count_mint(keys=[self.mints_key], args=[MINT_LIMIT, MINT_WINDOW_S * 1000, uuid.uuid4().hex])
        )
        if wait_ms > 0:
            raise token_error(
                "TOKEN_MINT_LIMIT",
                f"{MINT_LIMIT} access tokens were minted in the last {MINT_WINDOW_S // 60} minutes; the accounts "
                f"server allows no more; next refresh possible in {wait_ms / 1000:.0f}s",
                retry_after=wait_ms / 1000.0,
            )
        try:
            value, expires_in = mint(self._http, self._config)
        except (TokenRefreshError, TokenUnavailable) as error:
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
