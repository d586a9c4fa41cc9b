"""The webhook receiver: the Desk POSTs deliveries here (DESKPILOT_WEBHOOK_HOST/PORT, served by the scheduler like
/metrics); each is verified, taken into the event log through the poller's own path, and answered.

Answers: 200 once every event of the delivery is durable (in the event log, or as a hint message); 401 for a
missing, bad, expired, replayed or foreign token (another org, a webhook deskpilot did not install); 410 for a
subscription `deskpilot webhooks remove` removed (the Desk then drops it); 400 for a body that is not a delivery;
413 for one too large; 503 when Redis fails (the Desk's retry, or the poll, brings the change). One log line per
delivery, never the token. GET answers 200, as the Desk's URL validation expects.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import redis as redis_lib
import structlog
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from worker.app.preflight import PreflightError
from worker.ingest.webhook_intake import Intake
from worker.ingest.webhook_translate import BadDelivery, parse_body
from worker.ingest.webhook_verify import JwksCache, Refused, Verified, verify
from worker.store.webhooks import WebhookState

MAX_BODY_BYTES = 5 * 1024 * 1024
STARTUP_WAIT_S = 10.0
log = structlog.get_logger(__name__)


def jwks_url(api_root: str, configured: str = "") -> str:
    """Where the Desk publishes its signing keys: the setting, else the API host's /.well-known/jwks.json."""
    if configured:
        return configured
    parts = urlsplit(api_root)
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"


@dataclass
class Receiver:
    """Turns one request (token, body) into an answer (status, JSON body)."""

    keys: JwksCache
    state: WebhookState
    intake: Intake
    org_ids: list[str]

    def handle(self, token: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
        started = time.monotonic()
        try:
            return self._handle(token, body, started)
        except redis_lib.RedisError as exc:
            log.warning("webhook.failed", status=503, reason=f"Redis does not answer ({type(exc).__name__})")
            return 503, {"error": "temporarily unavailable"}

    def _handle(self, token: str | None, body: bytes, started: float) -> tuple[int, dict[str, Any]]:
        try:
            verified = verify(token, self.keys, self.org_ids, self._subscription)
            deliveries = parse_body(body)
        except Refused as refused:
            return self._refuse(refused.status, refused.reason)
        except BadDelivery as bad:
            return self._refuse(400, str(bad))
        foreign = sorted({item.org_id for item in deliveries} - {verified.org_id})
        if foreign:
            return self._refuse(401, f"the body names org {foreign[0]}, the token org {verified.org_id}")
        if verified.jti is not None and not self.state.first_use(verified.jti, self._ttl(verified)):
            return self._refuse(401, "the token was used before (a replay)")
        try:
            taken = self.intake.take(deliveries)
        except Exception:
            if verified.jti is not None:
                self.state.forget_use(verified.jti)  # nothing was taken: the same delivery may come again
            raise
        self.state.note_delivery(verified.org_id)
        self.intake.store.metrics.incr("webhook_deliveries_total", verified.org_id, "200")
        log.info(
            "webhook.delivery",
            org=verified.org_id,
            webhook=verified.webhook_id,
            types=sorted({item.event_type for item in deliveries}),
            events=len(taken.events),
            hints=taken.hints,
            stale=taken.stale,
            ignored=taken.ignored,
            ms=round((time.monotonic() - started) * 1000, 1),
        )
        return 200, {"events": len(taken.events), "hints": taken.hints}

    def _subscription(self, org_id: str, webhook_id: str) -> str:
        if self.state.is_installed(org_id, webhook_id):
            return "installed"
        return "retired" if self.state.is_retired(org_id, webhook_id) else "unknown"

    def _ttl(self, verified: Verified) -> int:
        return max(verified.expires_at - int(time.time()), 0) + 60  # past the token's life and its leeway

    def _refuse(self, status: int, reason: str) -> tuple[int, dict[str, Any]]:
        self.intake.store.metrics.incr("webhook_deliveries_total", "-", str(status))
        log.warning("webhook.refused", status=status, reason=reason)
        return status, {"error": reason}


def build_app(receiver: Receiver) -> Starlette:
    async def receive(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return JSONResponse({"error": "the body is too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "the body is too large"}, status_code=413)
        status, answer = await run_in_threadpool(receiver.handle, request.headers.get("x-zdesk-jwt"), body)
        return JSONResponse(answer, status_code=status)

    async def ready(_request: Request) -> Response:
        return PlainTextResponse("ok\n")

    return Starlette(
        routes=[
            Route("/{path:path}", receive, methods=["POST"]),
            Route("/{path:path}", ready, methods=["GET"]),
        ]
    )


class IngressServer:
    """uvicorn in a daemon thread on a socket bound up front, so a taken port is one clear error."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        try:
            self._socket = socket.create_server((host, port), family=_family(host), reuse_port=False)
        except OSError as exc:
            raise PreflightError(
                f"cannot serve the webhook receiver on {host}:{port} ({exc.strerror}); "
                "set DESKPILOT_WEBHOOK_PORT to a free port, or 0 for none"
            ) from None
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def start(self) -> IngressServer:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_WAIT_S
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        log.info("webhook.receiver_started", port=self.port)
        return self

    def shutdown(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_WAIT_S)
        self._socket.close()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
