"""`notify`: POST the action's message to its webhook target, signed, with the action id as idempotency key.

Answers: 2xx delivered (the ledger is marked at once, outbound.py); 408, 429 and 5xx, a timeout or a connection
error are transient (the enforcer raises, dramatiq retries with backoff); any other 4xx is permanent (dead letter).
A redirect is not followed: a receiver that moved is a configuration to fix, and following it would re-send the
signed body to wherever a 3xx points.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx

from worker.actions import webhook
from worker.actions.base import ActionContext, Executor
from worker.actions.outbound import (
    DeliveryFailed,
    DeliveryRefused,
    OutboundSetupError,
    mark_delivered,
    was_delivered,
)

TRANSIENT_STATUSES = frozenset({408, 425, 429})


class NotifyExecutor(Executor):
    type = "notify"

    def execute(self, ctx: ActionContext) -> str:
        outbound = ctx.outbound_required()
        params = ctx.params
        target = str(params.get("target"))
        url = self._url(ctx, target)
        secret = (
            outbound.variable(params["secret_env"], f"the secret of notify target {target!r}")
            if params.get("secret_env")
            else None
        )
        payload = webhook.body(ctx.action_id, ctx.action, params)
        headers = webhook.headers(ctx.action_id, payload, secret, int(time.time()))
        try:
            response = outbound.http.post(url, content=payload, headers=headers, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise DeliveryFailed(f"notify {target!r}: no answer in time ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise DeliveryFailed(f"notify {target!r}: cannot reach the receiver ({type(exc).__name__})") from None
        status = response.status_code
        if 200 <= status < 300:
            mark_delivered(ctx.store, ctx.action_id)
            return f"delivered to {target} ({status})"
        if status >= 500 or status in TRANSIENT_STATUSES:
            raise DeliveryFailed(f"notify {target!r}: the receiver answered {status}; retrying")
        raise DeliveryRefused(f"notify {target!r}: the receiver refused the message ({status}): {_excerpt(response)}")

    def verify(self, ctx: ActionContext) -> bool:
        """The receiver cannot be asked: the ledger's delivered mark is the record (outbound.py)."""
        return was_delivered(ctx.store, ctx.action_id)

    @staticmethod
    def _url(ctx: ActionContext, target: str) -> str:
        outbound = ctx.outbound_required()
        if outbound.redirect:
            return f"{outbound.redirect.rstrip('/')}/{target}"
        if ctx.params.get("url_env"):
            name = ctx.params["url_env"]
            url = outbound.variable(name, f"the URL of notify target {target!r}")
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:  # never echoed: it may embed a secret
                raise OutboundSetupError(f"environment variable {name} does not hold an http(s) URL with a host")
            return url
        return str(ctx.params.get("url"))


def _excerpt(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text[:200] or "no body"
