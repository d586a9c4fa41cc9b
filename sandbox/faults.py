"""Fault injection for tests, the demo and the chaos bench: latency, 5xx, 429, writes applied late or answered
wrongly, dropped connections, an accounts-server outage.

One fault set is active at a time (`POST /_sandbox/faults` replaces it, `DELETE` clears it). Rates are shares of
the calls the set applies to: its org (or every org) and, when `path_contains` is set, paths containing it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.errors import ApiError

WrongAnswer = Literal["errorBody", "null", "missingField", "nonList"]
WRONG_ANSWERS: tuple[WrongAnswer, ...] = ("errorBody", "null", "missingField", "nonList")
WRITE_WRONG_ANSWERS = frozenset({"errorBody", "null"})  # a write answered so is not applied
AccountsOutage = Literal["error", "throttle", "drop"]


class ConnectionDropped(Exception):
    """The connection should have been closed without an answer, but the server gave no way to close it."""


@dataclass
class Faults:
    latency_ms: int = 0  # every call waits this long before anything else
    error_rate: float = 0.0  # a share of calls answered 500 before any effect
    throttle_rate: float = 0.0  # a share of calls answered 429 TOO_MANY_REQUESTS with Retry-After
    phantom_write_rate: float = 0.0  # a share of writes applied, then answered 500 (outcome unknown to the caller)
    retry_after_s: int = 1
    write_delay_ms: int = 0  # writes are applied this late, the answer held meanwhile (past a client's timeout)
    wrong_answer_rate: float = 0.0  # a share of calls answered 200 with a wrong body (see `corrupt`)
    wrong_answer_modes: tuple[WrongAnswer, ...] = WRONG_ANSWERS
    drop_rate: float = 0.0  # a share of calls whose connection is closed without an answer (writes: after the effect)
    index_lag_s: float = 0.0  # search shows a ticket's changes this late (set on the orgs; see Controls)
    accounts_down: AccountsOutage | None = None  # /oauth/v2/token fails: 503, "Access Denied", or a dropped connection
    org_id: str | None = None  # only this org, or every org when None
    path_contains: str | None = None  # only calls whose path contains this, or every call when None
    rng: random.Random = field(default_factory=lambda: random.Random(7), compare=False, repr=False)

    def applies_to(self, org_id: str | None, path: str = "") -> bool:
        return (self.org_id is None or self.org_id == org_id) and (not self.path_contains or self.path_contains in path)

    def _dice(self, rate: float) -> bool:
        return bool(rate) and self.rng.random() < rate

    def before_call(self, org_id: str | None, path: str = "") -> None:
        """Raise the injected error for this call, if the dice say so."""
        if not self.applies_to(org_id, path):
            return
        if self._dice(self.throttle_rate):
            raise ApiError(
                429,
                "TOO_MANY_REQUESTS",
                "You have exceeded the concurrent API call limit. Please try again later.",
                headers={"Retry-After": str(self.retry_after_s)},
            )
        if self._dice(self.error_rate):
            raise server_error()

    def lose_answer(self, org_id: str | None, path: str = "") -> bool:
        return self.applies_to(org_id, path) and self._dice(self.phantom_write_rate)

    def drop(self, org_id: str | None, path: str = "") -> bool:
        return self.applies_to(org_id, path) and self._dice(self.drop_rate)

    def write_delay_s(self, org_id: str | None, path: str = "") -> float:
        return self.write_delay_ms / 1000 if self.applies_to(org_id, path) else 0.0

    def wrong_answer(self, org_id: str | None, path: str, write: bool) -> WrongAnswer | None:
        """The wrong answer this call gets, if any; a write only gets one that leaves it unapplied."""
        modes = [mode for mode in self.wrong_answer_modes if not write or mode in WRITE_WRONG_ANSWERS]
        if not modes or not self.applies_to(org_id, path) or not self._dice(self.wrong_answer_rate):
            return None
        return self.rng.choice(modes)


def corrupt(mode: WrongAnswer, body: Any, rng: random.Random) -> Any:
    """A 200 body that is wrong in the way `mode` names; a mode that does not fit the body falls back to `null`."""
    if mode == "errorBody":
        return server_error().body()
    items = body.get("data") if isinstance(body, dict) else None
    if mode == "nonList" and isinstance(items, list):
        return {**body, "data": items[0] if items else {}}
    if mode == "missingField" and isinstance(items, list) and items:
        index = rng.randrange(len(items))
        missing = rng.choice(("id", "modifiedTime"))
        broken = {key: value for key, value in items[index].items() if key != missing}
        return {**body, "data": [*items[:index], broken, *items[index + 1 :]]}
    return None


def server_error() -> ApiError:
    return ApiError(500, "INTERNAL_SERVER_ERROR", "An internal server error occurred while performing this operation.")
