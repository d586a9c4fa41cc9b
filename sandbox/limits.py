"""Per-organisation API limits, as the Desk enforces them: daily credits and concurrent calls.

Defaults are the Professional edition's (75,000 credits + 500 per agent a day, 15 concurrent calls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sandbox.errors import ApiError

EDITION_LIMITS = {  # edition: (base credits, credits per agent, concurrent calls)
    "Free": (5_000, 0, 5),
    "Express": (25_000, 100, 10),
    "Standard": (50_000, 250, 10),
    "Professional": (75_000, 500, 15),
    "Enterprise": (100_000, 1_000, 25),
}


def seconds_to_midnight(now: datetime) -> int:
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
    return max(1, int((tomorrow - now).total_seconds()) + 1)


@dataclass
class OrgLimits:
    daily_credits: int
    concurrency: int
    used: int = 0
    day: date | None = None
    in_flight: int = 0
    max_in_flight: int = 0

    @classmethod
    def for_edition(cls, edition: str, agents: int) -> OrgLimits:
        base, per_agent, concurrency = EDITION_LIMITS[edition]
        return cls(daily_credits=base + per_agent * agents, concurrency=concurrency)

    def remaining(self, now: datetime) -> int:
        self._roll(now)
        return max(0, self.daily_credits - self.used)

    def _roll(self, now: datetime) -> None:
        if self.day != now.date():
            self.day, self.used = now.date(), 0

    def admit(self, weight: int, now: datetime) -> None:
        """Take a concurrency slot and the call's credits, or raise the 429 the Desk would send."""
        self.max_in_flight = max(self.max_in_flight, self.in_flight + 1)
        if self.in_flight >= self.concurrency:
            raise ApiError(
                429,
                "TOO_MANY_REQUESTS",
                "You have exceeded the concurrent API call limit. Please try again later.",
                headers={"Retry-After": "1"},
            )
        if self.remaining(now) < weight:
            raise ApiError(
                429,
                "THRESHOLD_EXCEEDED",
                "You have exceeded the maximum number of API credits for the day.",
                headers={"Retry-After": str(seconds_to_midnight(now))},
            )
        self.used += weight
        self.in_flight += 1

    def release(self) -> None:
        self.in_flight -= 1


@dataclass
class Limits:
    orgs: dict[str, OrgLimits] = field(default_factory=dict)

    def max_in_flight(self) -> int:
        return max((limits.max_in_flight for limits in self.orgs.values()), default=0)

    def in_flight(self) -> int:
        return sum(limits.in_flight for limits in self.orgs.values())

    def reset_observed(self) -> None:
        for limits in self.orgs.values():
            limits.max_in_flight = limits.in_flight
