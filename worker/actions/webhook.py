"""A notify delivery as bytes and headers (pure): the body, the idempotency key, the signature, and its check.

The body is the same bytes on every attempt of an action (canonical JSON, no send time in it), so a receiver
that dedupes by `Idempotency-Key` (the action id) sees one message however often it is sent. Signature, when
the target names a secret (`secret_env`):

    X-Deskpilot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body bytes>")>

The receiver recomputes v1 over the timestamp it got and the raw body, compares in constant time, and refuses a
`t` too far from its clock (replays); `verify_signature` below is that check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from worker.store.records import LedgerAction

SIGNATURE_HEADER = "X-Deskpilot-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_S = 300


def body(action_id: str, action: LedgerAction, params: Mapping[str, Any]) -> bytes:
    """The request body: Slack's `{"text"}`, or deskpilot's JSON envelope."""
    if params.get("format") == "slack":
        payload: dict[str, Any] = {"text": params.get("text") or ""}
    else:
        payload = {
            "id": action_id,
            "rule": action.rule,
            "target": params.get("target"),
            "org_id": action.org,
            "ticket_id": action.ticket,
            "event": action.event,
            "text": params.get("text") or "",
        }
        if params.get("fields"):
            payload["fields"] = dict(params["fields"])
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def headers(action_id: str, payload: bytes, secret: str | None, timestamp: int) -> dict[str, str]:
    out = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: action_id}
    if secret:
        out[SIGNATURE_HEADER] = signature(secret, timestamp, payload)
    return out


def verify_signature(
    secret: str, header: str, payload: bytes, now: float, tolerance_s: float = DEFAULT_TOLERANCE_S
) -> bool:
    """A receiver's check: the header is well formed, recent, and signs exactly these body bytes."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = signature(secret, timestamp, payload).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
