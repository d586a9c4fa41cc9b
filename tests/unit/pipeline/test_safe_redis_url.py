"""One masking of Redis URLs for every line that shows one (the service's preflight and `deskpilot check`)."""

from __future__ import annotations

import pytest

from worker.app.preflight import safe_redis_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:pw@127.0.0.1:6379/0", "redis://***@127.0.0.1:6379/0"),
        ("redis://deskpilot:pw@redis:6379/0", "redis://deskpilot:***@redis:6379/0"),
        ("rediss://:p%40ss@redis/0", "rediss://***@redis/0"),
        ("redis://redis/0?password=pw&db=1", "redis://redis/0?password=***&db=1"),
        ("unix:///run/redis.sock?password=pw", "unix:///run/redis.sock?password=***"),
    ],
)
def test_the_password_is_masked_and_the_rest_kept(url, shown):
    assert safe_redis_url(url) == shown
