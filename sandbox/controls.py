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


def routes(sandbox: Sandbox) -> list[Route]:
    async def info(_: Request) -> Response:
        creds = sandbox.credentials
        return JSONResponse(
            {
                "orgIds": list(sandbox.desk.orgs),
                "clientId": creds.client_id if creds else None,
                "clientSecret": creds.client_secret if creds else None,
                "refreshToken": creds.refresh_token if creds else None,
            }
        )

    async def set_faults(request: Request) -> Response:
        body = await _json(request)
        unknown = set(body) - set(FAULT_FIELDS)
        if unknown:
            return JSONResponse({"error": f"unknown fault fields: {sorted(unknown)}"}, status_code=422)
        sandbox.faults = Faults(**{FAULT_FIELDS[key]: value for key, value in body.items()})
        return JSONResponse({"ok": True})

    async def clear_faults(_: Request) -> Response:
        sandbox.faults = Faults()
        return JSONResponse({"ok": True})

    async def configure(request: Request) -> Response:
        body = await _json(request)
        targets = [sandbox.desk.orgs[body["orgId"]]] if body.get("orgId") else list(sandbox.desk.orgs.values())
        if "tokenTtlS" in body:
            sandbox.auth.token_ttl = timedelta(seconds=float(body["tokenTtlS"]))
        if "maxAttachmentBytes" in body:
            sandbox.max_attachment_bytes = int(body["maxAttachmentBytes"])
        for org in targets:
            limits = sandbox.org_limits(org)
            if "concurrencyLimit" in body:
                limits.concurrency = int(body["concurrencyLimit"])
            if "dailyCredits" in body:
                limits.daily_credits = int(body["dailyCredits"])
            if "searchLagS" in body:
                org.search_lag = timedelta(seconds=float(body["searchLagS"]))
        return JSONResponse({"ok": True})

    async def revoke(_: Request) -> Response:
        return JSONResponse({"revoked": sandbox.auth.revoke_access_tokens()})

    async def token_stats(_: Request) -> Response:
        return JSONResponse({"minted": sandbox.auth.minted, "refreshes": sandbox.auth.refreshes})

    async def concurrency(_: Request) -> Response:
        per_org = {org_id: limits.max_in_flight for org_id, limits in sandbox.limits.orgs.items()}
        return JSONResponse({"max": sandbox.limits.max_in_flight(), "current": sandbox.limits.in_flight(), "orgs": per_org})

    async def reset_concurrency(_: Request) -> Response:
        sandbox.limits.reset_observed()
        return JSONResponse({"ok": True})

    async def writes(request: Request) -> Response:
        since = int(request.query_params.get("since", "0"))
        return Response(orjson.dumps({"data": sandbox.writes.since(since)}), media_type="application/json")

    async def clear_writes(_: Request) -> Response:
        sandbox.writes.clear()
        return JSONResponse({"ok": True})

    async def advance_clock(request: Request) -> Response:
        body = await _json(request)
        sandbox.desk.clock.advance(timedelta(seconds=float(body.get("seconds", 0))))
        return JSONResponse({"now": sandbox.desk.clock.now().isoformat()})

    async def start_activity(request: Request) -> Response:
        body = await _json(request)
        sandbox.activity.start(float(body.get("ratePerS", 1.0)), seed=int(body.get("seed", 1)), org_ids=body.get("orgIds"))
        return JSONResponse(sandbox.activity.stats())

    async def stop_activity(_: Request) -> Response:
        sandbox.activity.stop()
        return JSONResponse(sandbox.activity.stats())

    async def activity_stats(_: Request) -> Response:
        return JSONResponse(sandbox.activity.stats())

    async def credits(_: Request) -> Response:
        return JSONResponse(
            {org_id: {"used": limits.used, "dailyCredits": limits.daily_credits} for org_id, limits in sandbox.limits.orgs.items()}
        )

    return [
        Route("/_sandbox/info", info, methods=["GET"]),
        Route("/_sandbox/faults", set_faults, methods=["POST"]),
        Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
        Route("/_sandbox/config", configure, methods=["POST"]),
        Route("/_sandbox/tokens/revoke", revoke, methods=["POST"]),
        Route("/_sandbox/tokens/stats", token_stats, methods=["GET"]),
        Route("/_sandbox/concurrency", concurrency, methods=["GET"]),
        Route("/_sandbox/concurrency/reset", reset_concurrency, methods=["POST"]),
        Route("/_sandbox/writes", writes, methods=["GET"]),
        Route("/_sandbox/writes", clear_writes, methods=["DELETE"]),
        Route("/_sandbox/clock/advance", advance_clock, methods=["POST"]),
        Route("/_sandbox/credits", credits, methods=["GET"]),
        Route("/_sandbox/activity", start_activity, methods=["POST"]),
        Route("/_sandbox/activity", stop_activity, methods=["DELETE"]),
        Route("/_sandbox/activity", activity_stats, methods=["GET"]),
    ]
