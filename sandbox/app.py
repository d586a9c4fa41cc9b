"""The sandbox's ASGI app: the Desk API under /api/v1, the accounts server under /oauth/v2, controls under /_sandbox."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from sandbox import accounts_server, controls, notify_sink
from sandbox.api import Endpoint, error_response, make_route
from sandbox.errors import ApiError
from sandbox.runtime import Sandbox
from sandbox.webhooks.origin import SourceIdMiddleware
from sandbox.webhooks.routes import jwks_route

RESOURCE_MODULES = (
    "organizations",
    "tickets",
    "ticket_actions",
    "threads",
    "comments",
    "webhooks",
    "ticket_attachments",
    "time_entries",
    "contacts",
    "accounts",
    "tasks",
    "agents",
    "departments",
    "uploads",
    "contracts",
    "searches",
    "mail_reply_addresses",
    "teams",
    "team_members",
    "tags",
    "agent_availability",
    "layouts",
    "organization_fields",
    "accessible_orgs",
    "agents_by_ids",
    "account_contracts",
    "ticket_history",
    "ticket_activities",
    "roles_profiles",
    "channels",
    "products",
    "articles",
    "calls_events",
    "help_center_users",
    "organization_modules",
    "dashboards",
)


class IdConvertor(Convertor):
    """Desk ids are digit strings; keeping them strings avoids any int round trip."""

    regex = "[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: Any) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def endpoints() -> list[Endpoint]:
    """Every declared endpoint; ids match digits only, so /tickets/search never reaches /tickets/{ticket_id:id}."""
    return [
        endpoint
        for name in RESOURCE_MODULES
        for endpoint in importlib.import_module(f"sandbox.resources.{name}").ENDPOINTS
    ]


async def http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = ApiError(405, "METHOD_NOT_ALLOWED", "The requested method is not allowed for this URL.")
        return error_response(error, exc.headers)
    if exc.status_code == 404:
        return error_response(ApiError(404, "URL_NOT_FOUND", "The URL you requested could not be found."))
    return error_response(ApiError(exc.status_code, "BAD_REQUEST", str(exc.detail)))


async def server_error(_: Request, __: Exception) -> Response:
    return error_response(
        ApiError(500, "INTERNAL_SERVER_ERROR", "An internal server error occurred while performing this operation.")
    )


def build_app(sandbox: Sandbox, activity_rate: float = 0.0) -> Starlette:
    """The whole app; `activity_rate` > 0 starts the activity generator with the server and stops it with it."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if activity_rate > 0:
            sandbox.activity.start(activity_rate)
        yield
        sandbox.activity.stop()
        await sandbox.webhooks.sender.aclose()

    routes: list[BaseRoute] = [*accounts_server.routes(sandbox), *controls.routes(sandbox), jwks_route(sandbox)]
    routes.extend(notify_sink.routes())  # the demo's notify receiver
    routes.extend(make_route(sandbox, endpoint) for endpoint in endpoints())
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
        middleware=[Middleware(SourceIdMiddleware)],
    )
    app.state.sandbox = sandbox
    return app
