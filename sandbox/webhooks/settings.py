"""The delivery controls: how the sandbox misbehaves as a webhook sender (drop, duplicate, delay, reorder, pause,
sign badly), set through /_sandbox/webhooks/controls. One seeded random stream decides, so a run repeats."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pydantic import Field

from sandbox.control_bodies import ControlBody, Rate
from sandbox.webhooks.signing import JwtFault

DEFAULT_TIMEOUT_MS = 5000
DEFAULT_REORDER_DELAY_MS = 300
MAX_HOLD_MS = 600_000
MAX_CONCURRENCY = 32


@dataclass
class DeliveryControls:
    drop_rate: float = 0.0
    duplicate_rate: float = 0.0
    delay_ms: int = 0
    reorder_rate: float = 0.0
    reorder_delay_ms: int = DEFAULT_REORDER_DELAY_MS
    paused: bool = False
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    seed: int = 1
    jwt_fault: JwtFault | None = None
    concurrency: int = 1
    validate_urls: bool = False
    rng: random.Random = field(default_factory=lambda: random.Random(1), repr=False)

    def view(self) -> dict[str, object]:
        return {
            "dropRate": self.drop_rate,
            "duplicateRate": self.duplicate_rate,
            "delayMs": self.delay_ms,
            "reorderRate": self.reorder_rate,
            "reorderDelayMs": self.reorder_delay_ms,
            "paused": self.paused,
            "timeoutMs": self.timeout_ms,
            "seed": self.seed,
            "jwtFault": self.jwt_fault,
            "concurrency": self.concurrency,
            "validateUrls": self.validate_urls,
        }

    def roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate

    def hold_ms(self) -> int:
        """How long a delivery waits before it is queued: the delay, plus the reorder hold when the dice say so."""
        return self.delay_ms + (self.reorder_delay_ms if self.roll(self.reorder_rate) else 0)


class ControlsBody(ControlBody):
    """Any subset; the rest keep their values. `jwtFault: null` clears the fault."""

    dropRate: Rate | None = None
    duplicateRate: Rate | None = None
    delayMs: int | None = Field(None, ge=0, le=MAX_HOLD_MS)
    reorderRate: Rate | None = None
    reorderDelayMs: int | None = Field(None, ge=0, le=MAX_HOLD_MS)
    paused: bool | None = None
    timeoutMs: int | None = Field(None, gt=0, le=60_000)
    seed: int | None = None
    jwtFault: JwtFault | None = None
    concurrency: int | None = Field(None, ge=1, le=MAX_CONCURRENCY)
    validateUrls: bool | None = None

    def apply(self, controls: DeliveryControls) -> None:
        given = self.model_fields_set
        for name, attribute in (
            ("dropRate", "drop_rate"),
            ("duplicateRate", "duplicate_rate"),
            ("delayMs", "delay_ms"),
            ("reorderRate", "reorder_rate"),
            ("reorderDelayMs", "reorder_delay_ms"),
            ("paused", "paused"),
            ("timeoutMs", "timeout_ms"),
            ("concurrency", "concurrency"),
            ("validateUrls", "validate_urls"),
        ):
            value = getattr(self, name)
            if name in given and value is not None:
                setattr(controls, attribute, value)
        if "jwtFault" in given:
            controls.jwt_fault = self.jwtFault
        if self.seed is not None:
            controls.seed = self.seed
            controls.rng.seed(self.seed)


class DrainBody(ControlBody):
    timeoutS: float = Field(10.0, gt=0, le=30)


class RotateBody(ControlBody):
    keepOld: bool = True
