"""A receiver under test, all real but the Desk: a redis-server, the JWKS served over HTTP on 127.0.0.1 by a
thread, the receiver (uvicorn) on a free port, and deliveries signed here with PyJWT."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from worker.app.ingress import IngressServer, Receiver, build_app
from worker.ingest.absorb import Absorber
from worker.ingest.webhook_intake import Intake
from worker.ingest.webhook_verify import JwksCache
from worker.store import Store
from worker.store.webhooks import WebhookState

ORG = "60001"
WEBHOOK = "7001"


@dataclass
class Signer:
    """An RSA key pair and its key id, as the Desk signs with."""

    kid: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def token(self, org: str = ORG, webhook: str = WEBHOOK, life_s: int = 300, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": f"orgId:{org}", "aud": f"webhookId:{webhook}", "iat": now, "exp": now + life_s}
        body.update(jti=uuid.uuid4().hex, **claims)
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": self.kid})


class JwksServer:
    """GET /.well-known/jwks.json with the published keys; counts the fetches."""

    def __init__(self, signers: list[Signer]) -> None:
        self.published = list(signers)
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                body = json.dumps({"keys": [signer.jwk() for signer in outer.published]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Rig:
    store: Store
    server: IngressServer
    sent: list[str]
    hints: list[tuple[str, str, str]]
    http: httpx.Client

    @property
    def state(self) -> WebhookState:
        return WebhookState(self.store.redis, self.store.keys)

    def post(self, body: Any, token: str | None) -> httpx.Response:
        headers = {"X-ZDesk-JWT": token} if token is not None else {}
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.http.post(f"http://127.0.0.1:{self.server.port}/desk", content=raw, headers=headers)

    def events(self) -> list[str]:
        return sorted(self.store.redis.zrange(self.store.keys.key("events", "pending"), 0, -1))


def start_rig(store: Store, jwks: JwksServer) -> Rig:
    sent: list[str] = []
    hints: list[tuple[str, str, str]] = []
    client = SimpleNamespace(org_id=ORG)  # no Desk call on these paths: only org_id is read
    intake = Intake(
        store, lambda _org: Absorber(client, store, sent.append, source="webhook"), lambda *hint: hints.append(hint)
    )
    receiver = Receiver(JwksCache(jwks.url, min_refetch_s=0), WebhookState(store.redis, store.keys), intake, [ORG])
    server = IngressServer(build_app(receiver), "127.0.0.1", 0).start()
    return Rig(store, server, sent, hints, httpx.Client(timeout=10))


def ticket(ticket_id: str = "101", modified: str = "2026-12-02T10:00:00.000Z", **fields: Any) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "status": "Open",
        "priority": "Low",
        "subject": "Printer on fire",
        "departmentId": "9001",
        "assigneeId": None,
        "contactId": "5001",
        "threadCount": "1",
        "commentCount": "0",
        "createdTime": "2026-12-01T09:00:00.000Z",
        "modifiedTime": modified,
        **fields,
    }


def delivery(payload: dict[str, Any], event_type: str = "Ticket_Update", org: str = ORG) -> list[dict[str, Any]]:
    return [{"eventType": event_type, "orgId": org, "eventTime": str(int(time.time() * 1000)), "payload": payload}]
