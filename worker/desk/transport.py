"""The one request path every Desk call takes: token -> lease -> send -> release -> map the answer -> maybe retry.

- The access token comes from the shared TokenProvider before a lease is taken (no Desk slot is held while a
  token is minted). A 401 INVALID_OAUTH invalidates that token and retries once with a fresh one.
- The lease is held only while the request is on the wire. After a timeout or disconnect the Desk may still be
  working on it, so the lease is left to expire instead of being handed back (the org's limit is never exceeded).
- `X-Rate-Limit-Remaining-v3` updates the shared credit count; a 429 pauses every process's calls to the org.
- Retries follow retry.py; a non-idempotent write with an unknown outcome raises OutcomeUnknown.
- A 2xx whose body is an error object (`{"errorCode": ...}`) is the error its code names, handled as if answered
  with that code's status (errors.CODE_TO_STATUS); a non-idempotent write answered with a body that is not JSON,
  or (`create`) without the record it made, has an unknown outcome: the caller verifies before writing again.
- Before each try of a write leaves, WRITE_SENDING's hook (if set in this context) runs.
- Explicit timeouts on every request (connect: connect_timeout_s; read/write/pool: http_timeout_s).

Logs are structlog events bound to org/method/path; headers (Authorization) and bodies are never logged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx
import redis as redis_lib
import structlog

from worker.desk.auth import AccessToken, TokenProvider
from worker.desk.budget import Budget, Priority
from worker.desk.config import DeskConfig
from worker.desk.errors import (
    CODE_TO_STATUS,
    DeskError,
    MalformedResponse,
    NetworkError,
    OutcomeUnknown,
    ServerError,
    error_for_response,
)
from worker.desk.http_values import Params, clean_params, int_header, parse_retry_after
from worker.desk.retry import (
    RetryPolicy,
    RetryVerdict,
    classify_exception,
    classify_status,
    default_idempotent,
    was_maybe_sent,
)

log = structlog.get_logger("worker.desk")

REMAINING_HEADER = "X-Rate-Limit-Remaining-v3"
WEIGHT_HEADER = "X-Rate-Limit-Request-Weight-v3"
USER_AGENT = "deskpilot/0.1 (+https://github.com/deskpilot)"

# What a step answers when the call should be sent again (a body may legitimately be None).
_AGAIN = object()
# Run just before each try of a write leaves, in this thread's context: the action ledger notes from when the Desk
# may apply it (worker/actions/settle.py).
WRITE_SENDING: ContextVar[Callable[[], None] | None] = ContextVar("deskpilot_write_sending", default=None)


@dataclass
class TransportStats:
    """Cumulative figures for the bench: calls, time inside request(), time inside the HTTP round trips."""

    calls: int = 0
    attempts: int = 0  # tries that count against the retry policy (429s and a refused token do not)
    throttled: int = 0  # 429 answers
    tokens_refused: int = 0  # 401 INVALID_OAUTH answers (each followed by one refresh-or-reuse and a retry)
    total_s: float = 0.0
    http_s: float = 0.0


@dataclass
class _Call:
    """One call's request and its progress across tries."""

    method: str
    path: str
    idem: bool
    priority: Priority
    log: Any  # structlog logger bound to org/method/path
    deadline: float  # time.monotonic() by which the last try must start
    query: dict[str, Any] | None
    json: Any
    files: Mapping[str, Any] | None
    data: Mapping[str, Any] | None
    org_scoped: bool
    attempt: int = 0
    refreshed: bool = False  # the one token refresh this call may make was used
    retried_after_doubt: bool = False  # an earlier try of this call may have been applied
    http_s: float = 0.0


class Transport:
    """Sends calls for one organisation. Thread-safe; share one per process and org."""

    def __init__(
        self,
        config: DeskConfig,
        redis: redis_lib.Redis,
        org_id: str,
        *,
        http: httpx.Client | None = None,
        tokens: TokenProvider | None = None,
        budget: Budget | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.org_id = str(org_id)
        self._root = config.api_root.rstrip("/")
        self._scheme = config.token_scheme
        self._owns_http = http is None
        self.http = http or httpx.Client(
            timeout=httpx.Timeout(config.http_timeout_s, connect=config.connect_timeout_s),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self._owns_tokens = tokens is None
        self.tokens = tokens or TokenProvider(config, redis, http=self.http)
        self.budget = budget or Budget.from_config(config, redis)
        self.policy = policy or config.retry
        self.acquire_timeout_s = config.acquire_timeout_s
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
        call = _Call(
            method=method,
            path=path,
            idem=default_idempotent(method) if idempotent is None else idempotent,
            priority=Priority(priority),
            log=log.bind(org=self.org_id, method=method, path=path),
            deadline=time.monotonic() + self.policy.deadline_s,
            query=clean_params(params),
            json=json,
            files=files,
            data=data,
            org_scoped=org_scoped,
        )
        started = time.perf_counter()
        try:
            while True:
                outcome = self._attempt(call)
                if outcome is not _AGAIN:
                    return outcome
        finally:
            self._record(call, time.perf_counter() - started)

    def create(
        self,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        priority: Priority | str = Priority.NORMAL,
    ) -> dict[str, Any]:
        """POST a write that makes a record (not idempotent) and return that record. An answer without it (empty,
        `null`, no `id`) says nothing of whether the write happened: OutcomeUnknown, verify before sending again."""
        body = self.request(
            "POST", path, params=params, json=json, files=files, data=data, idempotent=False, priority=priority
        )
        if isinstance(body, dict) and body.get("id"):
            return body
        log.warning("desk.outcome_unknown", org=self.org_id, method="POST", path=path, reason="no record in the answer")
        raise OutcomeUnknown(
            "the Desk answered without the record the write makes; it may have been applied: verify before "
            "sending it again",
            error_code="NO_RECORD",
            status=200,  # answered (2xx): the write is over, only its result is unknown
            method="POST",
            path=path,
        )

    def _attempt(self, call: _Call) -> Any:
        """One try: token, lease, send, release. Returns the answer's body, or _AGAIN to send the call again."""
        call.attempt += 1
        token = self.tokens.get()
        lease = self.budget.acquire(
            self.org_id,
            priority=call.priority,
            timeout_s=max(min(self.acquire_timeout_s, call.deadline - time.monotonic()), 0.0),
            method=call.method,
            path=call.path,
        )
        headers = {"Authorization": f"{self._scheme} {token.value}"}
        if call.org_scoped:
            headers["orgId"] = self.org_id
        notify = WRITE_SENDING.get() if call.method != "GET" else None
        if notify is not None:
            notify()
        sent_at = time.perf_counter()
        try:
            response = self.http.request(
                call.method,
                self._root + call.path,
                params=call.query,
                json=call.json,
                files=call.files,
                data=call.data,
                headers=headers,
            )
        except httpx.HTTPError as exc:
            call.http_s += time.perf_counter() - sent_at
            if not was_maybe_sent(exc):
                self.budget.release(lease)
            # else the Desk may still be serving it: the lease is left to expire on its own
            self._retry_after_no_answer(call, exc)
            return _AGAIN
        except BaseException:
            self.budget.release(lease)  # e.g. a body that cannot be encoded: nothing was sent
            raise
        call.http_s += time.perf_counter() - sent_at
        remaining = int_header(response, REMAINING_HEADER)
        self.budget.release(lease, remaining=remaining)
        call.log.debug(
            "desk.call",
            status=response.status_code,
            attempt=call.attempt,
            ms=round((time.perf_counter() - sent_at) * 1000, 2),
            weight=int_header(response, WEIGHT_HEADER),
            remaining=remaining,
        )
        return self._answer(call, response, token)

    def _answer(self, call: _Call, response: httpx.Response, token: AccessToken) -> Any:
        """Map an answer: the body on 2xx, _AGAIN when the call should be sent again, else the error raised."""
        status = response.status_code
        if not 200 <= status < 300:
            return self._refused(call, response, token, status, self._decode_error(response))
        body = self._decode_success(response, call)
        code = body.get("errorCode") if isinstance(body, dict) and "id" not in body and "data" not in body else None
        if not isinstance(code, str):
            return body
        # An error answered as a success: as the status its code stands for (an unknown code as a 5xx).
        call.log.warning("desk.error_in_success", status=status, error_code=code, attempt=call.attempt)
        return self._refused(call, response, token, CODE_TO_STATUS.get(code, 500), body)

    def _refused(self, call: _Call, response: httpx.Response, token: AccessToken, status: int, body: Any) -> Any:
        """An error answer (`status` is the one it stands for): _AGAIN when the call should be sent again, else the
        error raised."""
        if status == 429:
            self._retry_after_throttle(call, response, body)
            return _AGAIN
        error = error_for_response(status, body, method=call.method, path=call.path)
        if status == 401 and error.error_code == "INVALID_OAUTH" and not call.refreshed:
            self._refresh_token(call, token)
            return _AGAIN
        if status == 404 and call.method == "DELETE" and call.retried_after_doubt:
            # An earlier try timed out after it may have deleted the resource: gone is what we wanted.
            call.log.info("desk.delete.already_gone", attempt=call.attempt)
            return None
        if status >= 500:
            self._retry_after_server_error(call, status, error)
            return _AGAIN
        raise error

    def _retry_after_no_answer(self, call: _Call, exc: httpx.HTTPError) -> None:
        """No answer came back: returns when the call may be sent again, else raises OutcomeUnknown/NetworkError."""
        verdict = classify_exception(exc, call.idem)
        if verdict is RetryVerdict.UNKNOWN:
            call.log.warning("desk.outcome_unknown", attempt=call.attempt, reason=type(exc).__name__)
            raise OutcomeUnknown(
                f"no answer ({type(exc).__name__}); the write may have been applied: verify before sending it again",
                cause=exc,
                method=call.method,
                path=call.path,
            ) from exc
        if verdict is RetryVerdict.RETRY and self._backoff(call.log, call.attempt, call.deadline, type(exc).__name__):
            call.retried_after_doubt = call.retried_after_doubt or was_maybe_sent(exc)
            return
        raise NetworkError(
            f"{type(exc).__name__} after {call.attempt} attempt(s)", method=call.method, path=call.path
        ) from exc

    def _retry_after_throttle(self, call: _Call, response: httpx.Response, body: Any) -> None:
        """A 429 pauses the org for every process; returns when the pause ends inside the call's deadline."""
        with self._stats_lock:
            self.stats.throttled += 1
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        pause_s = self.budget.pause(self.org_id, retry_after)
        if time.monotonic() + pause_s < call.deadline:
            call.attempt -= 1  # the Desk did not act on it; only the deadline bounds these
            return
        raise error_for_response(429, body, method=call.method, path=call.path, retry_after=pause_s)

    def _refresh_token(self, call: _Call, token: AccessToken) -> None:
        """The first 401 INVALID_OAUTH of a call: drop that token so the next try gets a fresh (or shared) one."""
        call.refreshed = True
        with self._stats_lock:
            self.stats.tokens_refused += 1
        call.log.info("desk.token.refused", attempt=call.attempt)
        self.tokens.invalidate(token)
        call.attempt -= 1

    def _retry_after_server_error(self, call: _Call, status: int, error: DeskError) -> None:
        """A 5xx: returns when the call may be sent again, else raises OutcomeUnknown or a ServerError."""
        verdict = classify_status(status, call.idem)
        if verdict is RetryVerdict.UNKNOWN:
            call.log.warning("desk.outcome_unknown", attempt=call.attempt, status=status)
            raise OutcomeUnknown(
                f"the Desk answered {status}; the write may have been applied: verify before sending it again",
                cause=error,
                error_code=error.error_code,
                status=status,
                method=call.method,
                path=call.path,
            )
        if self._backoff(call.log, call.attempt, call.deadline, f"http_{status}"):
            call.retried_after_doubt = True
            return
        if not isinstance(error, ServerError):
            error = ServerError(
                error.message, error_code=error.error_code, status=status, method=call.method, path=call.path
            )
        raise error

    def _record(self, call: _Call, elapsed: float) -> None:
        with self._stats_lock:
            self.stats.calls += 1
            self.stats.attempts += call.attempt
            self.stats.total_s += elapsed
            self.stats.http_s += call.http_s

    def _backoff(self, bound: Any, attempt: int, deadline: float, reason: str) -> bool:
        """Sleep before the next try if the policy allows one; False when it does not."""
        delay = self.policy.backoff(attempt)
        if not self.policy.may_retry(attempt, delay, deadline - time.monotonic()):
            return False
        bound.info("desk.retry", attempt=attempt, reason=reason, delay_s=round(delay, 3))
        time.sleep(delay)
        return True

    @staticmethod
    def _decode_success(response: httpx.Response, call: _Call) -> Any:
        """The JSON body (None when empty). A body that is not JSON, or is JSON `null` (the Desk says "nothing" with
        204 or an empty body, never with null), is malformed; on a non-idempotent write it leaves the outcome
        unknown."""
        if response.status_code == 204 or not response.content:
            return None
        try:
            body = response.json()
        except ValueError:
            text = f"a {response.status_code} answer whose body is not JSON"
        else:
            if body is not None:
                return body
            text = f"a {response.status_code} answer whose body is null"
        if not call.idem:
            call.log.warning(
                "desk.outcome_unknown", attempt=call.attempt, status=response.status_code, reason="not json"
            )
            raise OutcomeUnknown(
                f"{text}; the write may have been applied: verify before sending it again",
                error_code="MALFORMED_RESPONSE",
                status=response.status_code,
                method=call.method,
                path=call.path,
            )
        raise MalformedResponse(text, status=response.status_code, method=call.method, path=call.path)

    @staticmethod
    def _decode_error(response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None
