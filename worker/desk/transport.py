"""The one request path every Desk call takes: token -> lease -> send -> release -> map the answer -> maybe retry.

- The access token comes from the shared TokenProvider before a lease is taken (no Desk slot is held while a
  token is minted). A 401 INVALID_OAUTH invalidates that token and retries once with a fresh one.
- The lease is held only while the request is on the wire. After a timeout or disconnect the Desk may still be
  working on it, so the lease is left to expire instead of being handed back (the org's limit is never exceeded).
- `X-Rate-Limit-Remaining-v3` updates the shared credit count; a 429 pauses every process's calls to the org.
- Retries follow retry.py; a non-idempotent write with an unknown outcome raises OutcomeUnknown.
- Explicit timeouts on every request (connect: desk_connect_timeout_s; read/write/pool: http_timeout_s).

Logs are structlog events bound to org/method/path; headers (Authorization) and bodies are never logged.
"""
from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping

import httpx
import redis as redis_lib
import structlog

from config.settings import Settings
from worker.desk.auth import TokenProvider
from worker.desk.budget import Budget, Priority
from worker.desk.errors import MalformedResponse, NetworkError, OutcomeUnknown, ServerError, error_for_response
from worker.desk.retry import RetryPolicy, Verdict, classify_exception, classify_status, default_idempotent, was_maybe_sent

log = structlog.get_logger("worker.desk")

REMAINING_HEADER = "X-Rate-Limit-Remaining-v3"
WEIGHT_HEADER = "X-Rate-Limit-Request-Weight-v3"
USER_AGENT = "deskpilot/0.1 (+https://github.com/deskpilot)"

Params = Mapping[str, Any]


@dataclass
class TransportStats:
    """Cumulative figures for the bench: calls, time inside request(), time inside the HTTP round trips."""

    calls: int = 0
    attempts: int = 0  # tries that count against the retry policy (429s and a refused token do not)
    throttled: int = 0  # 429 answers
    tokens_refused: int = 0  # 401 INVALID_OAUTH answers (each followed by one refresh-or-reuse and a retry)
    total_s: float = 0.0
    http_s: float = 0.0


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _int_header(response: httpx.Response, name: str) -> int | None:
    raw = response.headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


def _clean_params(params: Params | None) -> dict[str, Any] | None:
    """Drop None values; booleans as the Desk writes them; lists as comma lists."""
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple, set, frozenset)):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = value
    return out or None


class Transport:
    """Sends calls for one organisation. Thread-safe; share one per process and org."""

    def __init__(
        self,
        settings: Settings,
        redis: redis_lib.Redis,
        org_id: str,
        *,
        http: httpx.Client | None = None,
        tokens: TokenProvider | None = None,
        budget: Budget | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.org_id = str(org_id)
        self._root = settings.api_root.rstrip("/")
        self._scheme = settings.token_scheme
        self._owns_http = http is None
        self.http = http or httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s, connect=settings.desk_connect_timeout_s),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self._owns_tokens = tokens is None
        self.tokens = tokens or TokenProvider(settings, redis, http=self.http)
        self.budget = budget or Budget.from_settings(settings, redis)
        self.policy = policy or RetryPolicy.from_settings(settings)
        self.acquire_timeout_s = settings.desk_acquire_timeout_s
        self.stats = TransportStats()
        self._stats_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Transport(api_root={self._root!r}, org_id={self.org_id!r})"

    def close(self) -> None:
        if self._owns_tokens:
            self.tokens.close()
        if self._owns_http:
            self.http.close()

    # -- the request path ----------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        priority: Priority | str = Priority.NORMAL,
        org_scoped: bool = True,
    ) -> Any:
        """Send one call; return the decoded JSON body, or None for 204 / an empty body."""
        method = method.upper()
        idem = default_idempotent(method) if idempotent is None else idempotent
        priority = Priority(priority)
        bound = log.bind(org=self.org_id, method=method, path=path)
        started = time.perf_counter()
        deadline = time.monotonic() + self.policy.deadline_s
        query = _clean_params(params)
        attempt = 0
        refreshed = False
        retried_after_doubt = False  # an earlier try of this call may have been applied
        http_s = 0.0
        try:
            while True:
                attempt += 1
                token = self.tokens.get()
                lease = self.budget.acquire(
                    self.org_id,
                    priority=priority,
                    timeout_s=max(min(self.acquire_timeout_s, deadline - time.monotonic()), 0.0),
                    method=method,
                    path=path,
                )
                headers = {"Authorization": f"{self._scheme} {token.value}"}
                if org_scoped:
                    headers["orgId"] = self.org_id
                sent_at = time.perf_counter()
                try:
                    response = self.http.request(
                        method, self._root + path, params=query, json=json, files=files, data=data, headers=headers
                    )
                except httpx.HTTPError as exc:
                    http_s += time.perf_counter() - sent_at
                    if not was_maybe_sent(exc):
                        self.budget.release(lease)
                    # else the Desk may still be serving it: the lease is left to expire on its own
                    verdict = classify_exception(exc, idem)
                    if verdict is Verdict.UNKNOWN:
                        bound.warning("desk.outcome_unknown", attempt=attempt, reason=type(exc).__name__)
                        raise OutcomeUnknown(
                            f"no answer ({type(exc).__name__}); the write may have been applied: verify before "
                            "sending it again",
                            cause=exc,
                            method=method,
                            path=path,
                        ) from exc
                    if verdict is Verdict.RETRY and self._backoff(bound, attempt, deadline, type(exc).__name__):
                        retried_after_doubt = retried_after_doubt or was_maybe_sent(exc)
                        continue
                    raise NetworkError(
                        f"{type(exc).__name__} after {attempt} attempt(s)", method=method, path=path
                    ) from exc
                except BaseException:
                    self.budget.release(lease)  # e.g. a body that cannot be encoded: nothing was sent
                    raise
                http_s += time.perf_counter() - sent_at
                remaining = _int_header(response, REMAINING_HEADER)
                self.budget.release(lease, remaining=remaining)
                status = response.status_code
                bound.debug(
                    "desk.call",
                    status=status,
                    attempt=attempt,
                    ms=round((time.perf_counter() - sent_at) * 1000, 2),
                    weight=_int_header(response, WEIGHT_HEADER),
                    remaining=remaining,
                )
                if 200 <= status < 300:
                    return self._decode_success(response, method, path)
                body = self._decode_error(response)
                if status == 429:
                    with self._stats_lock:
                        self.stats.throttled += 1
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    pause_s = self.budget.pause(self.org_id, retry_after)
                    if time.monotonic() + pause_s < deadline:
                        attempt -= 1  # the Desk did not act on it; only the deadline bounds these
                        continue
                    raise error_for_response(status, body, method=method, path=path, retry_after=pause_s)
                error = error_for_response(status, body, method=method, path=path)
                if status == 401 and error.error_code == "INVALID_OAUTH" and not refreshed:
                    refreshed = True
                    with self._stats_lock:
                        self.stats.tokens_refused += 1
                    bound.info("desk.token.refused", attempt=attempt)
                    self.tokens.invalidate(token)
                    attempt -= 1
                    continue
                if status == 404 and method == "DELETE" and retried_after_doubt:
                    # An earlier try timed out after it may have deleted the resource: gone is what we wanted.
                    bound.info("desk.delete.already_gone", attempt=attempt)
                    return None
                if status >= 500:
                    verdict = classify_status(status, idem)
                    if verdict is Verdict.UNKNOWN:
                        bound.warning("desk.outcome_unknown", attempt=attempt, status=status)
                        raise OutcomeUnknown(
                            f"the Desk answered {status}; the write may have been applied: verify before sending "
                            "it again",
                            cause=error,
                            error_code=error.error_code,
                            status=status,
                            method=method,
                            path=path,
                        )
                    if self._backoff(bound, attempt, deadline, f"http_{status}"):
                        retried_after_doubt = True
                        continue
                    if not isinstance(error, ServerError):
                        error = ServerError(error.message, error_code=error.error_code, status=status,
                                            method=method, path=path)
                raise error
        finally:
            elapsed = time.perf_counter() - started
            with self._stats_lock:
                self.stats.calls += 1
                self.stats.attempts += attempt
                self.stats.total_s += elapsed
                self.stats.http_s += http_s

    def _backoff(self, bound: Any, attempt: int, deadline: float, reason: str) -> bool:
        """Sleep before the next try if the policy allows one; False when it does not."""
        delay = self.policy.backoff(attempt)
        if not self.policy.may_retry(attempt, delay, deadline - time.monotonic()):
            return False
        bound.info("desk.retry", attempt=attempt, reason=reason, delay_s=round(delay, 3))
        time.sleep(delay)
        return True

    @staticmethod
    def _decode_success(response: httpx.Response, method: str, path: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise MalformedResponse(
                f"a {response.status_code} answer whose body is not JSON", status=response.status_code,
                method=method, path=path,
            ) from None

    @staticmethod
    def _decode_error(response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

