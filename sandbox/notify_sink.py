"""A local stand-in for the systems deskpilot's notify actions call (Slack, a pager, an internal service), so the
demo never sends outside 127.0.0.1: POST /_sandbox/notify/<target> takes any delivery and answers 200; GET
/_sandbox/notify lists what arrived (newest last, the last 500), with the headers a receiver reads."""

from __future__ import annotations

import json
import time
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

KEPT = 500
HEADERS = ("idempotency-key", "x-deskpilot-signature", "content-type")


def routes() -> list[Route]:
    received: deque[dict[str, Any]] = deque(maxlen=KEPT)

    async def deliver(request: Request) -> JSONResponse:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        received.append(
            {
                "target": request.path_params["target"],
                "headers": {name: request.headers[name] for name in HEADERS if name in request.headers},
                "body": body,
                "at": time.time(),
            }
        )
        return JSONResponse({"ok": True})

    async def listing(_: Request) -> JSONResponse:
        return JSONResponse({"data": list(received)})

    return [
        Route("/_sandbox/notify/{target}", deliver, methods=["POST"]),
        Route("/_sandbox/notify", listing, methods=["GET"]),
    ]
