"""What each /_sandbox/ control accepts: typed, ranged, unknown fields refused, so a typo is a 422, never a
sandbox that answers 500 to every API call afterwards."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.faults import WRONG_ANSWERS, AccountsOutage, Faults, WrongAnswer

Rate = Annotated[float, Field(ge=0, le=1)]
HOUR_S = 3600
DAY_S = 24 * HOUR_S
Model = TypeVar("Model", bound=BaseModel)


class ControlBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FaultsBody(ControlBody):
    latencyMs: int = Field(0, ge=0, le=120_000)
    errorRate: Rate = 0.0
    throttleRate: Rate = 0.0
    phantomWriteRate: Rate = 0.0
    retryAfterS: int = Field(1, ge=0, le=10**10)  # giant values on purpose: clients must bound what they obey
    writeDelayMs: int = Field(0, ge=0, le=300_000)
    wrongAnswerRate: Rate = 0.0
    wrongAnswerModes: list[WrongAnswer] = Field(default_factory=lambda: list(WRONG_ANSWERS), min_length=1)
    dropRate: Rate = 0.0
    indexLagS: float = Field(0.0, ge=0, le=HOUR_S)
    accountsDown: AccountsOutage | None = None
    orgId: str | None = None
    pathContains: str | None = Field(None, min_length=1)

    def faults(self) -> Faults:
        return Faults(
            latency_ms=self.latencyMs,
            error_rate=self.errorRate,
            throttle_rate=self.throttleRate,
            phantom_write_rate=self.phantomWriteRate,
            retry_after_s=self.retryAfterS,
            write_delay_ms=self.writeDelayMs,
            wrong_answer_rate=self.wrongAnswerRate,
            wrong_answer_modes=tuple(self.wrongAnswerModes),
            drop_rate=self.dropRate,
            index_lag_s=self.indexLagS,
            accounts_down=self.accountsDown,
            org_id=self.orgId,
            path_contains=self.pathContains,
        )


class ConfigBody(ControlBody):
    orgId: str | None = None
    tokenTtlS: float | None = Field(None, gt=0, le=30 * DAY_S)
    maxAttachmentBytes: int | None = Field(None, gt=0, le=2**31)
    concurrencyLimit: int | None = Field(None, gt=0, le=100_000)
    dailyCredits: int | None = Field(None, gt=0, le=10**12)
    searchLagS: float | None = Field(None, ge=0, le=HOUR_S)


class ClockBody(ControlBody):
    seconds: float = Field(ge=0, le=10 * 366 * DAY_S)


class ActivityBody(ControlBody):
    ratePerS: float = Field(1.0, gt=0, le=1000)
    seed: int = 1
    orgIds: list[str] | None = Field(None, min_length=1)


class WritesQuery(BaseModel):
    """Query strings are text: lax parsing turns "12" into 12, and still refuses "abc" and -1."""

    model_config = ConfigDict(extra="forbid")
    since: int = Field(0, ge=0)


class BadControl(ValueError):
    """A control request that cannot be applied, with the one-line reason the 422 answer gives."""


def parse_body(model: type[Model], raw: bytes) -> Model:
    """The body as `model`, an empty body being `{}`; raises BadControl naming each bad field."""
    try:
        return model.model_validate_json(raw if raw.strip() else b"{}")
    except ValidationError as error:
        raise BadControl(describe(error)) from None


def parse_query(model: type[Model], items: dict[str, Any]) -> Model:
    try:
        return model.model_validate(items)
    except ValidationError as error:
        raise BadControl(describe(error)) from None


def describe(error: ValidationError) -> str:
    """`errorRate: Input should be a valid number; latencyMs: ...` (the body as a whole has no field name)."""
    parts = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(part) for part in problem["loc"])
        parts.append(f"{where}: {problem['msg']}" if where else problem["msg"])
    return "; ".join(parts)
