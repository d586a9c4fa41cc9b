"""The Desk client's own config, built from the app's settings: desk/ never sees Settings."""

from __future__ import annotations

from config.settings import Settings
from worker.desk.config import DeskConfig
from worker.desk.retry import RetryPolicy
from worker.store.keys import Keys


def desk_config(settings: Settings, keys: Keys | None = None) -> DeskConfig:
    """`keys`: the store's key builder; the Desk client's keys go under its namespace (the settings' by default)."""
    keys = keys or Keys(settings.redis_namespace)
    return DeskConfig(
        api_root=settings.api_root,
        accounts_url=settings.accounts_url,
        token_scheme=settings.token_scheme,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        refresh_token=settings.refresh_token,
        http_timeout_s=settings.http_timeout_s,
        connect_timeout_s=settings.desk_connect_timeout_s,
        acquire_timeout_s=settings.desk_acquire_timeout_s,
        max_concurrency=settings.desk_max_concurrency,
        daily_credits=settings.desk_daily_credits,
        reserve_share=settings.desk_reserve_share,
        throttle_backoff_s=settings.desk_throttle_backoff_s,
        write_settle_s=settings.desk_write_settle_s,
        retry=RetryPolicy(
            attempts=settings.desk_retry_attempts,
            base_s=settings.desk_retry_base_s,
            cap_s=settings.desk_retry_cap_s,
            deadline_s=settings.desk_retry_deadline_s,
        ),
        key_prefix=keys.desk_prefix,
    )
