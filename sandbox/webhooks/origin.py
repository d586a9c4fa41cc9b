"""Which API request is making the current change: its `sourceId` header, for the webhooks' `ignoreSourceId`.

A write reaches the webhooks deep inside the state helpers, far from the request; a context variable set by a
small ASGI middleware for each /api/ request carries the header there (the handler runs in the request's task).
Changes made outside a request (the activity generator, controls) have no source id.
"""

from __future__ import annotations

from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

SOURCE_HEADER = b"sourceid"
API_PATH_PREFIX = "/api/"
_source_id: ContextVar[str | None] = ContextVar("webhook_source_id", default=None)


def current_source_id() -> str | None:
    return _source_id.get()


class SourceIdMiddleware:
    """Sets the current source id from an /api/ request's `sourceId` header while that request is served."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        value = next((raw for name, raw in scope["headers"] if name.lower() == SOURCE_HEADER), None)
        token = _source_id.set(value.decode("latin-1").strip() if value else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _source_id.reset(token)
