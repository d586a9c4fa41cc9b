"""Which failed calls are tried again, and how long to wait first (pure: no I/O).

The rule, per failure:
- the request never left (connection refused, connect timeout, no pooled connection): retry any call;
- it left but no definite answer came back (read/write timeout, disconnect) or the Desk answered 5xx:
  retry reads and idempotent writes; a non-idempotent write becomes OutcomeUnknown (it may have been applied);
- 429 and the first 401 INVALID_OAUTH are handled by the transport (shared pause; one token refresh): the Desk
  did not act on those, so every call may be sent again;
- any other answer is final.
Backoff is exponential with full jitter (sleep a uniform 0..min(cap, base * 2**(n-1))), within a bounded number of
attempts and a total deadline per call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})

# Failures that prove the request was never sent.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Failures after the request may have reached the Desk.
MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class RetryVerdict(str, Enum):
    RETRY = "retry"  # safe to send again
    UNKNOWN = "unknown"  # a non-idempotent write may have been applied: raise OutcomeUnknown
    FAIL = "fail"  # final: raise the mapped error


def default_idempotent(method: str) -> bool:
    """POST is not idempotent unless the endpoint says so (updateMany, move, markSpam)."""
    return method.upper() in IDEMPOTENT_METHODS


def classify_exception(exc: BaseException, idempotent: bool) -> RetryVerdict:
    if isinstance(exc, NOT_SENT):
        return RetryVerdict.RETRY
    if isinstance(exc, MAYBE_SENT):
        return RetryVerdict.RETRY if idempotent else RetryVerdict.UNKNOWN
    return RetryVerdict.FAIL


def classify_status(status: int, idempotent: bool) -> RetryVerdict:
    if status >= 500:
        return RetryVerdict.RETRY if idempotent else RetryVerdict.UNKNOWN
    return RetryVerdict.FAIL


def was_maybe_sent(exc: BaseException) -> bool:
    """True when the Desk may still be working on the request (do not hand its lease back early)."""
    return not isinstance(exc, NOT_SENT)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries per call, first one included
    base_s: float = 0.25
    cap_s: float = 8.0
    deadline_s: float = 90.0  # total time per call, waits included

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter delay before try `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.cap_s, self.base_s * (2 ** max(attempt - 1, 0)))
        return (rng or random).uniform(0.0, ceiling)

    def may_retry(self, attempt: int, delay_s: float, time_left_s: float) -> bool:
        """Another try is allowed when attempts remain and the wait fits in the deadline."""
        return attempt < self.attempts and delay_s < time_left_s
