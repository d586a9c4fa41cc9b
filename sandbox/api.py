"""How every /api/v1 endpoint is declared and served: auth, org, scope, limits, faults, query rules, write log.

A resource module declares `ENDPOINTS = [Endpoint(...), ...]`; each handler is a plain function of a `Call`
returning a `Reply` (see `ok`, `created`, `no_content`, `listing`). Handlers raise `ApiError` for Desk errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import orjson
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.connection import drop_connection
from sandbox.errors import ApiError, unauthorized
from sandbox.faults import corrupt, server_error
from sandbox.oauth import AccessToken, scope_allows
from sandbox.params import Param, validate_query
from sandbox.runtime import Sandbox
from sandbox.state import Org

API_PREFIX = "/api/v1"
TOKEN_SCHEMES = ("Zoho-oauthtoken", "Bearer")
MUTATING = frozenset({"POST", "PATCH", "PUT", "DELETE"})
JSON_TYPE = "application/json;charset=UTF-8"
DROPPED = 0  # the write log's status of a call whose connection was closed without an answer
ORG_QUERY = "orgId"  # the vendor's spec declares orgId a query parameter; the header (the seed's way) wins

BodyKind = Literal["none", "json", "optional_json", "multipart"]


@dataclass
class Reply:
    status: int
    body: Any = None


def ok(body: Any) -> Reply:
    return Reply(200, body)


def created(body: Any) -> Reply:
    return Reply(201, body)


def no_content() -> Reply:
    return Reply(204)


def deleted() -> Reply:
    """A delete answers 200 with an empty body: every DELETE example of the seed shows "200", and the vendor's
    spec files it under 200 ("No content")."""
    return Reply(200)


def listing(items: list[Any], count: int | None = None) -> Reply:
    """Lists answer {"data": [...]} (searches add "count"), or 204 with an empty body when empty."""
    if not items:
        return no_content()
    body: dict[str, Any] = {"data": items}
    if count is not None:
        body["count"] = str(count)
    return ok(body)


@dataclass
class Call:
    """One API request as handlers see it: the org, typed query parameters, the parsed body."""

    sandbox: Sandbox
    request: Request
    org: Org
    path: Mapping[str, str]
    query: dict[str, Any]
    body: Any = None
    form: FormData | None = None
    token: AccessToken | None = None

    @property
    def now_text(self) -> str:
        return self.org.now_text()

    @property
    def agent(self) -> dict[str, Any]:
        """The agent the token acts as (creatorId, commenterId...): the org's first agent, its administrator."""
        return next(iter(self.org.agents.values()))


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # below /api/v1, with Starlette placeholders such as {ticket_id:id}
    handler: Handler
    scopes: tuple[str, ...]  # any one of them suffices
    params: Mapping[str, Param] = field(default_factory=dict)
    body: BodyKind = "none"
    weight: int = 1
    needs_org: bool = True
    required_scopes: tuple[str, ...] = ()  # every one of them is needed too (searches: search.READ + module READ)


def json_response(status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> Response:
    if status == 204 or body is None:
        return Response(status_code=status, headers=dict(headers or {}))
    return Response(orjson.dumps(body), status_code=status, headers=dict(headers or {}), media_type=JSON_TYPE)


def wrong_answer(body: Any, headers: Mapping[str, str]) -> Response:
    """A 200 whose JSON body is wrong (even `null`, which json_response would send as an empty body)."""
    return Response(orjson.dumps(body), status_code=200, headers=dict(headers), media_type=JSON_TYPE)


def error_response(error: ApiError, headers: Mapping[str, str] | None = None) -> Response:
    return json_response(error.status, error.body(), {**(headers or {}), **error.headers})


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise unauthorized("UNAUTHORIZED", "You are not authorized to perform this operation.")
    scheme, _, token = header.strip().partition(" ")
    if scheme not in TOKEN_SCHEMES or not token.strip():
        raise unauthorized("INVALID_OAUTH", "The OAuth Token you provided is invalid.")
    return token.strip()


def authenticate(sandbox: Sandbox, request: Request, endpoint: Endpoint) -> tuple[AccessToken, Org | None]:
    """Token, then org, then scope: the order in which the Desk reports them."""
    token = sandbox.auth.lookup(_bearer(request))
    if token is None:
        raise unauthorized("INVALID_OAUTH", "The OAuth Token you provided is invalid.")
    org = None
    org_id = request.headers.get("orgid") or request.query_params.get(ORG_QUERY)
    if endpoint.needs_org:
        if not org_id:
            raise ApiError(422, "UNPROCESSABLE_ENTITY", "The 'orgId' header is missing in the request.")
        org = sandbox.desk.org(org_id.strip())
        if org is None or org.id not in token.grant.org_ids:
            raise unauthorized("OAUTH_ORG_MISMATCH", "The OAuth token does not belong to the given orgId.")
    granted = token.grant.scopes
    if not any(scope_allows(granted, scope) for scope in endpoint.scopes) or not all(
        scope_allows(granted, scope) for scope in endpoint.required_scopes
    ):
        raise unauthorized("SCOPE_MISMATCH", "The OAuth token does not have the scope required for this API.")
    return token, org


async def read_body(request: Request, endpoint: Endpoint, sandbox: Sandbox) -> tuple[Any, FormData | None]:
    if endpoint.body == "multipart":
        declared = int(request.headers.get("content-length") or 0)
        if declared > sandbox.max_attachment_bytes:
            raise ApiError(413, "RESOURCE_SIZE_EXCEEDED", "The file size exceeds the permissible limit.")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ApiError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "The media type of the request is not supported; use multipart/form-data.",
            )
        return None, await request.form()
    if endpoint.body == "none":
        return None, None
    raw = await request.body()
    if not raw.strip():
        if endpoint.body == "optional_json":
            return {}, None
        raise ApiError(422, "EMPTY_PAYLOAD", "The request body is empty.")
    try:
        return orjson.loads(raw), None
    except orjson.JSONDecodeError:
        raise ApiError(400, "BAD_REQUEST", "The request body is not valid JSON.") from None


def _rate_headers(sandbox: Sandbox, org: Org | None, weight: int) -> dict[str, str]:
    if org is None:
        return {"X-Rate-Limit-Request-Weight-v3": str(weight)}
    remaining = sandbox.org_limits(org).remaining(org.now())
    return {"X-Rate-Limit-Request-Weight-v3": str(weight), "X-Rate-Limit-Remaining-v3": str(remaining)}


def _log_body(body: Any, form: FormData | None) -> Any:
    if form is None:
        return body
    return {key: getattr(value, "filename", value) for key, value in form.multi_items()}


@dataclass
class _Exchange:
    """What one request did, for the write log: whose, with what body, answered how, and whether it took effect."""

    org: Org | None = None
    body: Any = None
    form: FormData | None = None
    status: int = 500
    applied: bool = False


async def _serve(sandbox: Sandbox, endpoint: Endpoint, request: Request, exchange: _Exchange) -> Response:
    """Auth, then the org's limits (a slot held until the answer), then the call itself."""
    token, exchange.org = authenticate(sandbox, request, endpoint)
    if exchange.org is None:
        return await _call(sandbox, endpoint, request, exchange, token)
    limits = sandbox.org_limits(exchange.org)
    limits.admit(endpoint.weight, exchange.org.now())
    try:
        return await _call(sandbox, endpoint, request, exchange, token)
    finally:
        limits.release()


async def _call(
    sandbox: Sandbox, endpoint: Endpoint, request: Request, exchange: _Exchange, token: AccessToken
) -> Response:
    org = exchange.org
    org_id, path, faults = (org.id if org else None), request.url.path, sandbox.faults
    if faults.latency_ms and faults.applies_to(org_id, path):
        await asyncio.sleep(faults.latency_ms / 1000)
    query = validate_query(
        [(name, raw) for name, raw in request.query_params.multi_items() if name != ORG_QUERY], endpoint.params
    )
    exchange.body, exchange.form = await read_body(request, endpoint, sandbox)
    faults.before_call(org_id, path)
    write = endpoint.method in MUTATING
    wrong = faults.wrong_answer(org_id, path, write)
    if wrong and write:  # refused, yet answered 200: nothing was applied
        exchange.status = 200
        return wrong_answer(corrupt(wrong, None, faults.rng), _rate_headers(sandbox, org, endpoint.weight))
    delay_s = faults.write_delay_s(org_id, path) if write else 0.0
    if delay_s:
        await asyncio.sleep(delay_s)  # the answer is held meanwhile: the caller may have given up before it lands
    # org is None only on the endpoints that take no orgId header (organizations), whose handlers never read it
    call = Call(sandbox, request, cast(Org, org), request.path_params, query, exchange.body, exchange.form, token)
    reply = endpoint.handler(call)
    exchange.applied = write
    if faults.drop(org_id, path):
        exchange.status = DROPPED
        return await drop_connection(request)
    if exchange.applied and faults.lose_answer(org_id, path):
        raise server_error()  # applied, but the caller never learns it: the outcome is unknown to it
    exchange.status = 200 if wrong else reply.status
    if wrong:
        return wrong_answer(corrupt(wrong, reply.body, faults.rng), _rate_headers(sandbox, org, endpoint.weight))
    return json_response(reply.status, reply.body, _rate_headers(sandbox, org, endpoint.weight))


def make_route(sandbox: Sandbox, endpoint: Endpoint) -> Route:
    async def serve(request: Request) -> Response:
        exchange = _Exchange()
        try:
            return await _serve(sandbox, endpoint, request, exchange)
        except ApiError as error:
            exchange.status = error.status
            return error_response(
                error, _rate_headers(sandbox, exchange.org, endpoint.weight) if exchange.org else None
            )
        finally:
            if endpoint.method in MUTATING:
                sandbox.writes.record(
                    time=sandbox.desk.clock.now().isoformat(),
                    orgId=exchange.org.id if exchange.org else request.headers.get("orgid"),
                    method=endpoint.method,
                    path=request.url.path,
                    query=dict(request.query_params),
                    body=_log_body(exchange.body, exchange.form),
                    status=exchange.status,
                    applied=exchange.applied,
                )

    return Route(
        API_PREFIX + endpoint.path, serve, methods=[endpoint.method], name=f"{endpoint.method} {endpoint.path}"
    )
