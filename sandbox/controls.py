"""The sandbox's own controls under /_sandbox/ (outside the Desk API): faults, limits, tokens, write log, clock."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.faults import Faults
from sandbox.runtime import Sandbox

FAULT_FIELDS = {
    "latencyMs": "latency_ms",
    "errorRate": "error_rate",
    "throttleRate": "throttle_rate",
    "phantomWriteRate": "phantom_write_rate",
    "retryAfterS": "retry_after_s",
    "orgId": "org_id",
}


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    return orjson.loads(raw) if raw.strip() else {}


class Controls:
    """The handlers, each acting on the one sandbox the app serves."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

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
        body = await _json(request)
        unknown = set(body) - set(FAULT_FIELDS)
        if unknown:
            return JSONResponse({"error": f"unknown fault fields: {sorted(unknown)}"}, status_code=422)
        self.sandbox.faults = Faults(**{FAULT_FIELDS[key]: value for key, value in body.items()})
        return JSONResponse({"ok": True})

    async def clear_faults(self, _: Request) -> Response:
        self.sandbox.faults = Faults()
        return JSONResponse({"ok": True})

    async def configure(self, request: Request) -> Response:
        body = await _json(request)
        orgs = self.sandbox.desk.orgs
        targets = [orgs[body["orgId"]]] if body.get("orgId") else list(orgs.values())
        if "tokenTtlS" in body:
            self.sandbox.auth.token_ttl = timedelta(seconds=float(body["tokenTtlS"]))
        if "maxAttachmentBytes" in body:
            self.sandbox.max_attachment_bytes = int(body["maxAttachmentBytes"])
        for org in targets:
            limits = self.sandbox.org_limits(org)
            if "concurrencyLimit" in body:
                limits.concurrency = int(body["concurrencyLimit"])
            if "dailyCredits" in body:
                limits.daily_credits = int(body["dailyCredits"])
            if "searchLagS" in body:
                org.search_lag = timedelta(seconds=float(body["searchLagS"]))
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
        since = int(request.query_params.get("since", "0"))
        return Response(orjson.dumps({"data": self.sandbox.writes.since(since)}), media_type="application/json")

    async def clear_writes(self, _: Request) -> Response:
        self.sandbox.writes.clear()
        return JSONResponse({"ok": True})

    async def advance_clock(self, request: Request) -> Response:
        body = await _json(request)
        self.sandbox.desk.clock.advance(timedelta(seconds=float(body.get("seconds", 0))))
        return JSONResponse({"now": self.sandbox.desk.clock.now().isoformat()})

    async def start_activity(self, request: Request) -> Response:
        body = await _json(request)
        self.sandbox.activity.start(
            float(body.get("ratePerS", 1.0)), seed=int(body.get("seed", 1)), org_ids=body.get("orgIds")
        )
        return JSONResponse(self.sandbox.activity.stats())

    async def stop_activity(self, _: Request) -> Response:
        self.sandbox.activity.stop()
        return JSONResponse(self.sandbox.activity.stats())

    async def activity_stats(self, _: Request) -> Response:
        return JSONResponse(self.sandbox.activity.stats())

    async def credits(self, _: Request) -> Response:
        return JSONResponse(
            {
                org_id: {"used": limits.used, "dailyCredits": limits.daily_credits}
                for org_id, limits in self.sandbox.limits.orgs.items()
            }
        )


def routes(sandbox: Sandbox) -> list[Route]:
    """Every /_sandbox/ route, bound to `sandbox`."""
    controls = Controls(sandbox)
    return [
        Route("/_sandbox/info", controls.info, methods=["GET"]),
        Route("/_sandbox/faults", controls.set_faults, methods=["POST"]),
        Route("/_sandbox/faults", controls.clear_faults, methods=["DELETE"]),
        Route("/_sandbox/config", controls.configure, methods=["POST"]),
        Route("/_sandbox/tokens/revoke", controls.revoke, methods=["POST"]),
        Route("/_sandbox/tokens/stats", controls.token_stats, methods=["GET"]),
        Route("/_sandbox/concurrency", controls.concurrency, methods=["GET"]),
        Route("/_sandbox/concurrency/reset", controls.reset_concurrency, methods=["POST"]),
        Route("/_sandbox/writes", controls.writes, methods=["GET"]),
        Route("/_sandbox/writes", controls.clear_writes, methods=["DELETE"]),
        Route("/_sandbox/clock/advance", controls.advance_clock, methods=["POST"]),
        Route("/_sandbox/credits", controls.credits, methods=["GET"]),
        Route("/_sandbox/activity", controls.start_activity, methods=["POST"]),
        Route("/_sandbox/activity", controls.stop_activity, methods=["DELETE"]),
        Route("/_sandbox/activity", controls.activity_stats, methods=["GET"]),
    ]
