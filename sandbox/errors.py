"""Desk API errors as the real service sends them: `{"errorCode", "message"[, "errors"]}` with its statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    errors: list[dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"errorCode": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def invalid_data(*fields: tuple[str, str], message: str | None = None) -> ApiError:
    """422 INVALID_DATA naming each bad field as the Desk does: ("/contactId", "missing|invalid|duplicate")."""
    return ApiError(
        422,
        "INVALID_DATA",
        message or "The data is invalid due to validation restrictions",
        errors=[
            {"fieldName": name if name.startswith("/") else f"/{name}", "errorType": kind} for name, kind in fields
        ],
    )


def unprocessable(message: str) -> ApiError:
    return ApiError(422, "UNPROCESSABLE_ENTITY", message)


def not_found(message: str = "The requested resource does not exist.") -> ApiError:
    return ApiError(404, "URL_NOT_FOUND", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BAD_REQUEST", message)


def unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message)


def forbidden(message: str = "You do not have sufficient permission to perform this operation.") -> ApiError:
    return ApiError(403, "FORBIDDEN", message)
