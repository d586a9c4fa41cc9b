"""What the Desk client needs to know, and nothing else: addresses, credentials, timeouts, limits, its Redis keys.

Built by the composition root (worker/app/desk_config.py) from the app's settings; desk/ never reads settings or
the environment itself, so a test or another program builds one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from worker.desk.retry import RetryPolicy

DEFAULT_KEY_PREFIX = "dp:desk"


@dataclass(frozen=True)
class DeskConfig:
    api_root: str = "https://desk.zoho.com/api/v1"
    accounts_url: str = "https://accounts.zoho.com"
    token_scheme: str = "Zoho-oauthtoken"
    client_id: str = ""
    client_secret: SecretStr = field(default=SecretStr(""), repr=False)
    refresh_token: SecretStr = field(default=SecretStr(""), repr=False)
    http_timeout_s: float = 30.0  # read/write/pool
    connect_timeout_s: float = 5.0
    acquire_timeout_s: float = 30.0  # longest wait for a lease or through a shared 429 pause
    max_concurrency: int = 10  # concurrent calls per org
    daily_credits: int = 50_000  # assumed until the Desk reports X-Rate-Limit-Remaining-v3
    reserve_share: float = 0.1  # of the daily credits, kept for high-priority calls
    throttle_backoff_s: float = 2.0  # a 429 without Retry-After
    write_settle_s: float = 120.0  # how long a write that got no answer may still land
    retry: RetryPolicy = RetryPolicy()
    key_prefix: str = DEFAULT_KEY_PREFIX  # every Redis key of the budget and the token cache starts with it

    def key(self, *parts: str) -> str:
        return ":".join((self.key_prefix, *parts))
