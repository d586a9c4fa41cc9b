"""Fault injection for tests and the demo: latency, a share of 5xx, a share of 429, writes whose answer is lost."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from sandbox.errors import ApiError


@dataclass
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0  # a share of calls answered 500 before any effect
    throttle_rate: float = 0.0  # a share of calls answered 429 TOO_MANY_REQUESTS with Retry-After
    phantom_write_rate: float = 0.0  # a share of writes applied, then answered 500 (outcome unknown to the caller)
    retry_after_s: int = 1
    org_id: str | None = None  # only this org, or every org when None
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def applies_to(self, org_id: str | None) -> bool:
        return self.org_id is None or self.org_id == org_id

    def before_call(self, org_id: str | None) -> None:
        """Raise the injected error for this call, if the dice say so."""
        if not self.applies_to(org_id):
            return
        if self.throttle_rate and self.rng.random() < self.throttle_rate:
            raise ApiError(
                429,
                "TOO_MANY_REQUESTS",
                "You have exceeded the concurrent API call limit. Please try again later.",
                headers={"Retry-After": str(self.retry_after_s)},
            )
        if self.error_rate and self.rng.random() < self.error_rate:
            raise server_error()

    def lose_answer(self, org_id: str | None) -> bool:
        return self.applies_to(org_id) and bool(self.phantom_write_rate) and self.rng.random() < self.phantom_write_rate


def server_error() -> ApiError:
    return ApiError(500, "INTERNAL_SERVER_ERROR", "An internal server error occurred while performing this operation.")
