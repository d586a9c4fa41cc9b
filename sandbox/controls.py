"""The sandbox's own controls under /_sandbox/ (outside the Desk API): faults, limits, tokens, write log, clock.

Every body is checked (sandbox.control_bodies): a bad one is answered 422 with the reason and changes nothing.
When the sandbox has a control token, every control needs it in `X-Sandbox-Token`: `/_sandbox/info` hands out the
client secret and refresh token, and faults can stop the Desk for everyone who uses it.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.control_bodies import (
    ActivityBody,
    BadControl,
    ClockBody,
    ConfigBody,
    FaultsBody,
    WritesQuery,
    parse_body,
    parse_query,
)
from sandbox.faults import Faults
from sandbox.presence_control import presence_handler
from sandbox.runtime import Sandbox
from sandbox.state import Org
from sandbox.story import customer_reply
from sandbox.webhooks.routes import control_table as webhook_controls

TOKEN_HEADER = "X-Sandbox-Token"
ControlHandler = Callable[[Request], Awaitable[Response]]


class Controls:
    """The handlers, each acting on the one sandbox the app serves."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def _orgs(self, org_ids: list[str] | None) -> list[Org]:
        """The named orgs (all when None); an unknown id is the caller's mistake."""
        orgs = self.sandbox.desk.orgs
        unknown = sorted(set(org_ids or ()) - set(orgs))
        if unknown:
            raise BadControl(f"orgId: unknown organisation {', '.join(unknown)}; this sandbox serves {', '.join(orgs)}")
        return [orgs[org_id] for org_id in org_ids] if org_ids else list(orgs.values())

    async def info(self, _: Request) -> Response:
        creds = self.sandbox.credentials
        return JSONResponse(
            {
                "orgIds": list(self.sandbox.desk.orgs),
                "clientId": creds.client_id if creds else None,
                "clientSecret": creds.client_secret if creds else None,
                "refreshToken": creds.refresh_token if creds else None,
            }
        )

    async def set_faults(self, request: Request) -> Response:
        body = parse_body(FaultsBody, await request.body())
        self._orgs([body.orgId] if body.orgId else None)
        self._replace_faults(body.faults())
        return JSONResponse({"ok": True})

    async def clear_faults(self, _: Request) -> Response:
        self._replace_faults(Faults())
        return JSONResponse({"ok": True})

    def _replace_faults(self, faults: Faults) -> None:
        """The new set; the index lag lives on the orgs, so a set with (or replacing one with) a lag sets it there."""
        if faults.index_lag_s or self.sandbox.faults.index_lag_s:
            for org in self.sandbox.desk.orgs.values():
                lagged = faults.org_id in (None, org.id)
                org.search_lag = timedelta(seconds=faults.index_lag_s if lagged else 0)
        self.sandbox.faults = faults

    async def configure(self, request: Request) -> Response:
        body = parse_body(ConfigBody, await request.body())
        targets = self._orgs([body.orgId] if body.orgId else None)
        if body.tokenTtlS is not None:
            self.sandbox.auth.token_ttl = timedelta(seconds=body.tokenTtlS)
        if body.maxAttachmentBytes is not None:
            self.sandbox.max_attachment_bytes = body.maxAttachmentBytes
        for org in targets:
            limits = self.sandbox.org_limits(org)
            if body.concurrencyLimit is not None:
                limits.concurrency = body.concurrencyLimit
            if body.dailyCredits is not None:
                limits.daily_credits = body.dailyCredits
            if body.searchLagS is not None:
                org.search_lag = timedelta(seconds=body.searchLagS)
        return JSONResponse({"ok": True})

    async def revoke(self, _: Request) -> Response:
        return JSONResponse({"revoked": self.sandbox.auth.revoke_access_tokens()})

    async def token_stats(self, _: Request) -> Response:
        return JSONResponse({"minted": self.sandbox.auth.minted, "refreshes": self.sandbox.auth.refreshes})

    async def concurrency(self, _: Request) -> Response:
        limits = self.sandbox.limits
        per_org = {org_id: org_limits.max_in_flight for org_id, org_limits in limits.orgs.items()}
        return JSONResponse({"max": limits.max_in_flight(), "current": limits.in_flight(), "orgs": per_org})

    async def reset_concurrency(self, _: Request) -> Response:
        self.sandbox.limits.reset_observed()
        return JSONResponse({"ok": True})

    async def writes(self, request: Request) -> Response:
        since = parse_query(WritesQuery, dict(request.query_params)).since
        return Response(orjson.dumps({"data": self.sandbox.writes.since(since)}), media_type="application/json")

    async def clear_writes(self, _: Request) -> Response:
        self.sandbox.writes.clear()
        return JSONResponse({"ok": True})

    async def advance_clock(self, request: Request) -> Response:
        body = parse_body(ClockBody, await request.body())
        self.sandbox.desk.clock.advance(timedelta(seconds=body.seconds))
        return JSONResponse({"now": self.sandbox.desk.clock.now().isoformat()})

    async def start_activity(self, request: Request) -> Response:
        body = parse_body(ActivityBody, await request.body())
        self._orgs(body.orgIds)
        self.sandbox.activity.start(body.ratePerS, seed=body.seed, org_ids=body.orgIds)
        return JSONResponse(self.sandbox.activity.stats())

    async def stop_activity(self, _: Request) -> Response:
        self.sandbox.activity.stop()
        return JSONResponse(self.sandbox.activity.stats())

    async def activity_stats(self, _: Request) -> Response:
        return JSONResponse(self.sandbox.activity.stats())

    async def customer_reply(self, request: Request) -> Response:
        """The ticket's contact writes in (re-opening it when Closed or On Hold), as mail would: no API does this."""
        ticket_id = request.path_params["ticketId"]
        org = next((org for org in self.sandbox.desk.orgs.values() if ticket_id in org.tickets), None)
        if org is None:
            raise BadControl(f"ticketId: no ticket {ticket_id} in this sandbox")
        thread = customer_reply(org, org.tickets[ticket_id], random.Random(ticket_id))
        return JSONResponse({"threadId": thread["id"], "status": org.tickets[ticket_id]["status"]})

    async def credits(self, _: Request) -> Response:
        return JSONResponse(
            {
                org_id: {"used": limits.used, "dailyCredits": limits.daily_credits}
                for org_id, limits in self.sandbox.limits.orgs.items()
            }
        )


def guarded(handler: ControlHandler, token: str | None) -> ControlHandler:
    """`handler` behind the control token (when there is one), its BadControl answered 422 with the reason."""

    async def checked(request: Request) -> Response:
        if token is not None and not secrets.compare_digest(
            request.headers.get(TOKEN_HEADER, "").encode("latin-1"), token.encode("latin-1")
        ):
            message = f"the sandbox's controls need its control token (printed at start) in the {TOKEN_HEADER} header"
            return JSONResponse({"error": message}, status_code=401)
        try:
            return await handler(request)
        except BadControl as problem:
            return JSONResponse({"error": str(problem)}, status_code=422)

    return checked


def routes(sandbox: Sandbox) -> list[Route]:
    """Every /_sandbox/ route, bound to `sandbox` and guarded by its control token."""
    controls = Controls(sandbox)
    table: list[tuple[str, str, ControlHandler]] = [
        ("/_sandbox/info", "GET", controls.info),
        ("/_sandbox/faults", "POST", controls.set_faults),
        ("/_sandbox/faults", "DELETE", controls.clear_faults),
        ("/_sandbox/config", "POST", controls.configure),
        ("/_sandbox/tokens/revoke", "POST", controls.revoke),
        ("/_sandbox/tokens/stats", "GET", controls.token_stats),
        ("/_sandbox/concurrency", "GET", controls.concurrency),
        ("/_sandbox/concurrency/reset", "POST", controls.reset_concurrency),
        ("/_sandbox/writes", "GET", controls.writes),
        ("/_sandbox/writes", "DELETE", controls.clear_writes),
        ("/_sandbox/clock/advance", "POST", controls.advance_clock),
        ("/_sandbox/credits", "GET", controls.credits),
        ("/_sandbox/tickets/{ticketId}/customerReply", "POST", controls.customer_reply),
        ("/_sandbox/activity", "POST", controls.start_activity),
        ("/_sandbox/activity", "DELETE", controls.stop_activity),
        ("/_sandbox/activity", "GET", controls.activity_stats),
        ("/_sandbox/presence", "POST", presence_handler(sandbox)),
        *webhook_controls(sandbox),
    ]
    return [Route(path, guarded(handler, sandbox.control_token), methods=[method]) for path, method, handler in table]
