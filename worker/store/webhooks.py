"""What deskpilot knows of its webhook subscriptions and their deliveries, per org.

- `<ns>:webhooks:<org>`: webhook id -> JSON of what `deskpilot webhooks install` created (url, event types,
  departments); a delivery signed for an id not in it is refused (401).
- `<ns>:webhooks:<org>:retired`: ids `deskpilot webhooks remove` removed; a delivery for one is answered 410, so a
  Desk that still holds the subscription (its delete failed) drops it.
- `<ns>:webhooks:<org>:status`: last delivery time and count, and the last time a poll found a change no delivery
  had brought (the safety net's evidence that deliveries stopped).
- `<ns>:webhooks:jti:<jti>`: a token already used, until it expires (a replay is refused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis as redis_lib

from worker.store.keys import Keys, server_ms
from worker.store.replies import text_map, texts


@dataclass(frozen=True)
class DeliveryStatus:
    last_delivery_ms: int | None = None
    deliveries: int = 0
    last_missed_ms: int | None = None  # the last poll that found changes no delivery had brought
    missed: int = 0


class WebhookState:
    def __init__(self, redis: redis_lib.Redis, keys: Keys) -> None:
        self.redis = redis
        self.key = keys.key

    # -- subscriptions ----------------------------------------------------------------------------------------------
    def installed(self, org_id: str) -> dict[str, dict[str, Any]]:
        raw = text_map(self.redis.hgetall(self.key("webhooks", org_id)))
        return {webhook_id: json.loads(value) for webhook_id, value in raw.items()}

    def is_installed(self, org_id: str, webhook_id: str) -> bool:
        return bool(self.redis.hexists(self.key("webhooks", org_id), webhook_id))

    def is_retired(self, org_id: str, webhook_id: str) -> bool:
        return bool(self.redis.sismember(self.key("webhooks", org_id, "retired"), webhook_id))

    def remember(self, org_id: str, webhook_id: str, subscription: dict[str, Any]) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key("webhooks", org_id), webhook_id, json.dumps(subscription))
        pipe.srem(self.key("webhooks", org_id, "retired"), webhook_id)
        pipe.execute()

    def retire(self, org_id: str, webhook_id: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.key("webhooks", org_id), webhook_id)
        pipe.sadd(self.key("webhooks", org_id, "retired"), webhook_id)
        pipe.execute()

    def retired(self, org_id: str) -> list[str]:
        return sorted(texts(self.redis.smembers(self.key("webhooks", org_id, "retired"))))

    # -- deliveries -------------------------------------------------------------------------------------------------
    def first_use(self, jti: str, ttl_s: int) -> bool:
        """Mark a token used; False when it was used before (a replay)."""
        return bool(self.redis.set(self.key("webhooks", "jti", jti), "1", nx=True, ex=max(ttl_s, 1)))

    def forget_use(self, jti: str) -> None:
        """A delivery that failed on our side: its token may come again."""
        self.redis.delete(self.key("webhooks", "jti", jti))

    def note_delivery(self, org_id: str) -> None:
        key = self.key("webhooks", org_id, "status")
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(key, "last_delivery_ms", server_ms(self.redis))
        pipe.hincrby(key, "deliveries", 1)
        pipe.execute()

    def note_missed(self, org_id: str, changes: int) -> None:
        """A poll logged `changes` events that no delivery had brought."""
        key = self.key("webhooks", org_id, "status")
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(key, "last_missed_ms", server_ms(self.redis))
        pipe.hincrby(key, "missed", changes)
        pipe.execute()

    def status(self, org_id: str) -> DeliveryStatus:
        raw = text_map(self.redis.hgetall(self.key("webhooks", org_id, "status")))

        def number(name: str) -> int | None:
            return int(raw[name]) if name in raw else None

        return DeliveryStatus(
            last_delivery_ms=number("last_delivery_ms"),
            deliveries=number("deliveries") or 0,
            last_missed_ms=number("last_missed_ms"),
            missed=number("missed") or 0,
        )
