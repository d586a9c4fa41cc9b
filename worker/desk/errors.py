"""Errors raised by the Desk client, as one documented hierarchy (like httpx's `_exceptions.py`).

    DeskError                       every error below; carries error_code, message, status, method, path
    ├── AuthError                   401: the token was refused even after one refresh (INVALID_OAUTH, UNAUTHORIZED)
    │   ├── TokenRefreshError       the accounts server refused the grant for good (invalid_code: revoked or wrong
    │   │                           refresh token; invalid_client: wrong client id or secret)
    │   ├── ScopeMismatch           401 SCOPE_MISMATCH: the refresh token lacks a scope this call needs
    │   └── OrgMismatch             401 OAUTH_ORG_MISMATCH: the orgId does not belong to the token's user
    ├── Forbidden                   403 FORBIDDEN, LICENSE_ACCESS_LIMITED
    ├── NotFound                    404 URL_NOT_FOUND (or a resource that does not exist)
    ├── InvalidRequest              400 / 405 / 413 / 415 / 422: the request itself is wrong; retrying cannot help
    │   └── InvalidData             INVALID_DATA: `.fields` names each bad field and why
    ├── RateLimited                 no call now; `.retry_after` says how long (seconds) before one may succeed
    │   ├── ThrottledByDesk         429 TOO_MANY_REQUESTS / THRESHOLD_EXCEEDED still answered after retries
    │   ├── BudgetWaitTimeout       (local) no concurrency lease or the shared pause outlasted the wait deadline
    │   ├── CreditsExhausted        (local) the day's credits are spent, or only the reserve is left for this priority
    │   └── TokenUnavailable        no access token now, for a passing reason: the accounts server unreachable or
    │                               answering 5xx, its "Access Denied" throttling, our own mint limit, or no token
    │                               from another process's refresh in time; actions wait and are retried
    ├── ServerError                 5xx still answered after retries (reads and idempotent writes only)
    ├── NetworkError                timeouts / connection failures still failing after retries (reads, idempotent)
    ├── OutcomeUnknown              a non-idempotent write may or may not have happened: verify before writing again
    ├── MalformedResponse           a 2xx answer that is not the JSON the Desk documents
    │   └── BadSearchAnswer         a 2xx page of a search or list without a `data` list (not "no results")
    └── SearchCapExceeded           (local) a search cannot be walked past the 5,000-result cap by time windows

Every message is built from the Desk's own errorCode/message and the request's method and path: no header, token,
secret or request body is ever part of one, so logging an exception is safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One entry of an INVALID_DATA answer: `{"fieldName": "/contactId", "errorType": "invalid|duplicate|missing"}`."""

    field_name: str
    error_type: str
    message: str | None = None


class DeskError(Exception):
    """Root of every error the Desk client raises."""

    default_code = "DESK_ERROR"

    def __init__(
        self,
        message: str = "",
        *,
        error_code: str | None = None,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.error_code = error_code or self.default_code
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        parts = [p for p in (self.method, self.path) if p]
        head = " ".join(parts)
        outcome = " ".join(p for p in (str(self.status) if self.status is not None else "", self.error_code) if p)
        text = f"{head} -> {outcome}" if head else outcome
        return f"{text}: {self.message}" if self.message else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(error_code={self.error_code!r}, status={self.status!r}, "
            f"method={self.method!r}, path={self.path!r}, message={self.message!r})"
        )


class AuthError(DeskError):
    """The Desk refused the credentials (401) even after one token refresh."""

    default_code = "INVALID_OAUTH"


class TokenRefreshError(AuthError):
    """The accounts server refused to mint an access token with these credentials (it answers HTTP 200 with
    {"error": ...}); asking again cannot help until someone fixes them."""

    default_code = "TOKEN_REFRESH_FAILED"


class ScopeMismatch(AuthError):
    """401 SCOPE_MISMATCH: mint a refresh token with the missing scope (see `deskpilot check`)."""

    default_code = "SCOPE_MISMATCH"


class OrgMismatch(AuthError):
    """401 OAUTH_ORG_MISMATCH: the orgId is not one of the token's organisations."""

    default_code = "OAUTH_ORG_MISMATCH"


class Forbidden(DeskError):
    default_code = "FORBIDDEN"


class NotFound(DeskError):
    default_code = "URL_NOT_FOUND"


class InvalidRequest(DeskError):
    """The Desk refused the request as malformed (400/405/413/415/422); sending it again gives the same answer."""

    default_code = "UNPROCESSABLE_ENTITY"


class InvalidData(InvalidRequest):
    """INVALID_DATA: `.fields` lists each offending field (JSON-pointer names like "/contactId")."""

    default_code = "INVALID_DATA"

    def __init__(self, message: str = "", *, fields: tuple[FieldError, ...] = (), **kwargs: Any) -> None:
        self.fields = tuple(fields)
        super().__init__(message, **kwargs)

    def _text(self) -> str:
        text = super()._text()
        if self.fields:
            text += " [" + ", ".join(f"{f.field_name}: {f.error_type}" for f in self.fields) + "]"
        return text

    @property
    def field_names(self) -> list[str]:
        return [f.field_name for f in self.fields]


class RateLimited(DeskError):
    """No call can be made now; `.retry_after` (seconds, may be None when unknown) says when one may succeed."""

    default_code = "TOO_MANY_REQUESTS"

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)

    def _text(self) -> str:
        text = super()._text()
        if self.retry_after is not None:
            text += f" (retry after {self.retry_after:.1f}s)"
        return text


class ThrottledByDesk(RateLimited):
    """The Desk answered 429 (TOO_MANY_REQUESTS for concurrency, THRESHOLD_EXCEEDED for daily credits)."""


class BudgetWaitTimeout(RateLimited):
    """The shared budget gave no lease (or the shared 429 pause lasted) longer than the wait deadline."""

    default_code = "BUDGET_WAIT_TIMEOUT"


class CreditsExhausted(RateLimited):
    """The day's credits are spent, or only the reserve is left and this call is not high priority."""

    default_code = "CREDITS_EXHAUSTED"


class TokenUnavailable(RateLimited):
    """No access token can be had now, but the credentials were not refused: the accounts server is down, slow or
    throttling, or the mint limit is reached. `.retry_after` says when to try again."""

    default_code = "TOKEN_UNAVAILABLE"


class ServerError(DeskError):
    default_code = "INTERNAL_SERVER_ERROR"


class NetworkError(DeskError):
    """Timeouts or connection failures that outlasted the retries (the cause is chained as __cause__)."""

    default_code = "NETWORK_ERROR"


class OutcomeUnknown(DeskError):
    """A non-idempotent write (comment, reply, time entry, task, create...) got no definite answer.

    It may have been applied. The caller must look (e.g. for its marker in the ticket's comments) before writing
    again. `.cause` is the timeout, disconnect or 5xx that left the outcome unknown.
    """

    default_code = "OUTCOME_UNKNOWN"

    def __init__(self, message: str = "", *, cause: BaseException | None = None, **kwargs: Any) -> None:
        self.cause = cause
        super().__init__(message, **kwargs)


class MalformedResponse(DeskError):
    default_code = "MALFORMED_RESPONSE"


class BadSearchAnswer(MalformedResponse):
    """A 2xx page without a `data` list (an error body, `{"data": null}`, a list where the object belongs): not an
    empty page, so a walk that took it for the end would miss what is past it."""

    default_code = "BAD_SEARCH_ANSWER"


class SearchCapExceeded(DeskError):
    """More than 5,000 results share one modifiedTime (or carry none): the windows cannot split them."""

    default_code = "SEARCH_CAP_EXCEEDED"


# errorCode -> class, for answers whose code decides more than the status does.
CODE_TO_ERROR: dict[str, type[DeskError]] = {
    "INVALID_OAUTH": AuthError,
    "UNAUTHORIZED": AuthError,
    "SCOPE_MISMATCH": ScopeMismatch,
    "OAUTH_ORG_MISMATCH": OrgMismatch,
    "FORBIDDEN": Forbidden,
    "LICENSE_ACCESS_LIMITED": Forbidden,
    "URL_NOT_FOUND": NotFound,
    "INVALID_DATA": InvalidData,
    "BAD_REQUEST": InvalidRequest,
    "METHOD_NOT_ALLOWED": InvalidRequest,
    "RESOURCE_SIZE_EXCEEDED": InvalidRequest,
    "UNSUPPORTED_MEDIA_TYPE": InvalidRequest,
    "UNPROCESSABLE_ENTITY": InvalidRequest,
    "EMPTY_PAYLOAD": InvalidRequest,
    "TOO_MANY_REQUESTS": ThrottledByDesk,
    "THRESHOLD_EXCEEDED": ThrottledByDesk,
    "INTERNAL_SERVER_ERROR": ServerError,
}

# errorCode -> the status it is answered with; a 2xx carrying an error object is handled as that status.
CODE_TO_STATUS: dict[str, int] = {
    "INVALID_OAUTH": 401,
    "UNAUTHORIZED": 401,
    "SCOPE_MISMATCH": 401,
    "OAUTH_ORG_MISMATCH": 401,
    "FORBIDDEN": 403,
    "LICENSE_ACCESS_LIMITED": 403,
    "URL_NOT_FOUND": 404,
    "BAD_REQUEST": 400,
    "METHOD_NOT_ALLOWED": 405,
    "RESOURCE_SIZE_EXCEEDED": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "INVALID_DATA": 422,
    "UNPROCESSABLE_ENTITY": 422,
    "EMPTY_PAYLOAD": 422,
    "TOO_MANY_REQUESTS": 429,
    "THRESHOLD_EXCEEDED": 429,
    "INTERNAL_SERVER_ERROR": 500,
}

STATUS_TO_ERROR: dict[int, type[DeskError]] = {
    400: InvalidRequest,
    401: AuthError,
    403: Forbidden,
    404: NotFound,
    405: InvalidRequest,
    413: InvalidRequest,
    415: InvalidRequest,
    422: InvalidRequest,
    429: ThrottledByDesk,
}


def error_for_response(
    status: int,
    body: Any,
    *,
    method: str,
    path: str,
    retry_after: float | None = None,
) -> DeskError:
    """Build the typed error for a non-2xx answer. `body` is the decoded JSON (or None / text when not JSON)."""
    code: str | None = None
    message = ""
    fields: tuple[FieldError, ...] = ()
    if isinstance(body, dict):
        code = body.get("errorCode") if isinstance(body.get("errorCode"), str) else None
        message = str(body.get("message") or "")
        raw_fields = body.get("errors")
        if isinstance(raw_fields, list):
            fields = tuple(
                FieldError(
                    field_name=str(item.get("fieldName", "")),
                    error_type=str(item.get("errorType", "")),
                    message=item.get("errorMessage") if isinstance(item.get("errorMessage"), str) else None,
                )
                for item in raw_fields
                if isinstance(item, dict)
            )
    cls: type[DeskError]
    if code in CODE_TO_ERROR:
        cls = CODE_TO_ERROR[code]
    elif status >= 500:
        cls = ServerError
    else:
        cls = STATUS_TO_ERROR.get(status, InvalidRequest if 400 <= status < 500 else DeskError)
    if fields and not issubclass(cls, InvalidData) and issubclass(cls, InvalidRequest):
        cls = InvalidData
    kwargs: dict[str, Any] = {"error_code": code, "status": status, "method": method, "path": path}
    if issubclass(cls, InvalidData):
        return cls(message, fields=fields, **kwargs)
    if issubclass(cls, RateLimited):
        return cls(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
