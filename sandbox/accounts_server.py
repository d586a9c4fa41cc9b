"""Routes of the accounts server: /oauth/v2/auth approves at once; /oauth/v2/token answers like Zoho's."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.connection import drop_connection
from sandbox.faults import AccountsOutage
from sandbox.oauth import THROTTLED
from sandbox.runtime import Sandbox


def _scopes(raw: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (raw or "").split(",") if part.strip())


async def _outage(kind: AccountsOutage, request: Request) -> Response:
    """The token endpoint during an injected outage: failing, throttling every client, or not answering at all."""
    if kind == "drop":
        return await drop_connection(request)
    if kind == "throttle":
        return JSONResponse(THROTTLED)
    return PlainTextResponse("Service Temporarily Unavailable", status_code=503)


def routes(sandbox: Sandbox) -> list[Route]:
    auth = sandbox.auth

    async def authorize(request: Request) -> Response:
        params = request.query_params
        client = auth.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or params.get("response_type") != "code":
            return JSONResponse({"error": "invalid_client"})
        if redirect_uri not in client.redirect_uris:
            return JSONResponse({"error": "invalid_redirect_uri"})
        scopes = _scopes(params.get("scope")) or frozenset()
        code = auth.authorize(client.client_id, scopes, frozenset(sandbox.desk.orgs), redirect_uri)
        query = {"code": code, "location": "us", "accounts-server": str(request.base_url).rstrip("/")}
        if params.get("state"):
            query["state"] = params["state"]
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    async def token(request: Request) -> Response:
        outage = sandbox.faults.accounts_down
        if outage is not None:
            return await _outage(outage, request)
        params = dict(request.query_params)
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params.update({key: str(value) for key, value in (await request.form()).items()})
        client = auth.clients.get(params.get("client_id", ""))
        if client is None or params.get("client_secret") != client.client_secret:
            return JSONResponse({"error": "invalid_client"})
        grant_type = params.get("grant_type")
        if grant_type == "authorization_code":
            return JSONResponse(auth.exchange_code(client, params.get("code", ""), params.get("redirect_uri")))
        if grant_type == "refresh_token":
            return JSONResponse(auth.refresh(client, params.get("refresh_token", "")))
        return JSONResponse({"error": "unsupported_grant_type"})

    return [
        Route("/oauth/v2/auth", authorize, methods=["GET"]),
        Route("/oauth/v2/token", token, methods=["POST"]),
    ]
