"""The webhooks' routes outside the Desk API: the JWKS (public, as the Desk's), and the delivery controls under
/_sandbox/webhooks (listed in sandbox.controls' table, so the control token guards them like the others)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.control_bodies import BadControl, parse_body, parse_query
from sandbox.runtime import Sandbox
from sandbox.webhooks.settings import ControlsBody, DeliveryControls, DrainBody, RotateBody

JWKS_PATH = "/.well-known/jwks.json"
ControlHandler = Callable[[Request], Awaitable[Response]]


class DeliveriesQuery(BaseModel):
    """Query strings are text: lax parsing reads "12" as 12 and still refuses "abc" and -1."""

    model_config = ConfigDict(extra="forbid")
    since: int = Field(0, ge=0)
    webhookId: str | None = None


def _json(body: object) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


def jwks_route(sandbox: Sandbox) -> Route:
    async def jwks(_: Request) -> Response:
        return _json(sandbox.webhooks.signer.jwks())

    return Route(JWKS_PATH, jwks, methods=["GET"])


class WebhookControls:
    def __init__(self, sandbox: Sandbox) -> None:
        self.hooks = sandbox.webhooks

    async def overview(self, _: Request) -> Response:
        return _json(
            {
                "controls": self.hooks.controls.view(),
                "pending": self.hooks.sender.pending,
                "counts": dict(self.hooks.deliveries.counts),
                "kids": self.hooks.signer.kids(),
            }
        )

    async def set_controls(self, request: Request) -> Response:
        parse_body(ControlsBody, await request.body()).apply(self.hooks.controls)
        self.hooks.sender.set_paused(self.hooks.controls.paused)
        return _json(self.hooks.controls.view())

    async def reset_controls(self, _: Request) -> Response:
        defaults = DeliveryControls()
        for name, value in defaults.__dict__.items():
            setattr(self.hooks.controls, name, value)
        self.hooks.sender.set_paused(False)
        return _json(self.hooks.controls.view())

    async def list_deliveries(self, request: Request) -> Response:
        query = parse_query(DeliveriesQuery, dict(request.query_params))
        entries = self.hooks.deliveries.since(query.since, query.webhookId)
        return _json({"data": [entry.view() for entry in entries]})

    async def clear_deliveries(self, _: Request) -> Response:
        self.hooks.deliveries.clear()
        return _json({"ok": True})

    async def replay(self, request: Request) -> Response:
        seq = request.path_params["seq"]
        original = self.hooks.deliveries.get(seq)
        if original is None or original.request is None:
            raise BadControl(f"seq: no sent delivery {seq} in the log (dropped and cancelled ones were never sent)")
        return _json((await self.hooks.sender.replay(original)).view())

    async def drain(self, request: Request) -> Response:
        body = parse_body(DrainBody, await request.body())
        return _json({"pending": await self.hooks.sender.drain(body.timeoutS)})

    async def rotate(self, request: Request) -> Response:
        body = parse_body(RotateBody, await request.body())
        kid = self.hooks.signer.rotate(keep_old=body.keepOld)
        return _json({"kid": kid, "kids": self.hooks.signer.kids()})


def control_table(sandbox: Sandbox) -> list[tuple[str, str, ControlHandler]]:
    controls = WebhookControls(sandbox)
    return [
        ("/_sandbox/webhooks", "GET", controls.overview),
        ("/_sandbox/webhooks/controls", "POST", controls.set_controls),
        ("/_sandbox/webhooks/controls", "DELETE", controls.reset_controls),
        ("/_sandbox/webhooks/deliveries", "GET", controls.list_deliveries),
        ("/_sandbox/webhooks/deliveries", "DELETE", controls.clear_deliveries),
        ("/_sandbox/webhooks/deliveries/{seq:int}/replay", "POST", controls.replay),
        ("/_sandbox/webhooks/drain", "POST", controls.drain),
        ("/_sandbox/webhooks/keys/rotate", "POST", controls.rotate),
    ]
