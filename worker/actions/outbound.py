"""What `notify` and `email` deliver through besides the Desk: an HTTP client for webhooks, the SMTP settings, the
environment their targets' variables are read from; their errors; and the ledger's "delivered" mark.

Neither a webhook receiver nor an SMTP server can be asked afterwards whether it got a message, so a retry cannot
verify on the receiving side as Desk actions do. Instead the action's ledger record is marked `delivered_ms` the
moment the receiver accepted it; a later attempt that finds the mark (the worker died before finishing the
action) finishes it without sending. Only a worker killed between the receiver's answer and that mark sends twice,
and then with the same Idempotency-Key (webhooks) or Message-ID (mail), so the receiver can drop the copy.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from worker.store import Store
from worker.store.keys import server_ms

DELIVERED_FIELD = "delivered_ms"  # in the ledger's hash of the action


class DeliveryRefused(Exception):
    """The receiver refused the message for good (a 4xx, a 5xx SMTP reply, a bad address): dead-lettered."""


class DeliveryFailed(Exception):
    """The receiver could not take the message now (5xx, timeout, connection refused): retried with backoff."""


class OutboundSetupError(Exception):
    """Something deskpilot must be given first (a variable a target names, the SMTP settings): dead-lettered;
    `deskpilot dlq retry` sends it again once fixed."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From address
    user: str = ""
    password: str = field(default="", repr=False)
    tls: str = "starttls"  # none | starttls | tls
    timeout_s: float = 30.0
    ca_file: str = ""  # PEM CA certificates the server's certificate is checked against instead of the system's


@dataclass
class Outbound:
    """One process's means of delivery, shared by its threads (httpx.Client is thread-safe)."""

    http: httpx.Client
    smtp: SmtpConfig | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    redirect: str | None = None  # the demo: every webhook goes to this local URL + the target's name

    def variable(self, name: str, purpose: str) -> str:
        value = self.environ.get(name, "")
        if not value:
            raise OutboundSetupError(
                f"environment variable {name} is not set ({purpose}); set it for the workers, then "
                "`deskpilot dlq retry`"
            )
        return value

    def close(self) -> None:
        self.http.close()


def tls_context(ca_file: str) -> ssl.SSLContext:
    """A verifying client context: the server's certificate must chain to a trusted CA and name the host."""
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except OSError as exc:  # ssl.SSLError is one: a file without a PEM certificate
        reason = getattr(exc, "reason", None) or exc.strerror or type(exc).__name__
        raise OutboundSetupError(
            f"DESKPILOT_SMTP_CA_FILE={ca_file}: cannot load CA certificates from it ({reason}); point it at a "
            "PEM file of the CA certificates that sign the SMTP server's certificate"
        ) from None


def mark_delivered(store: Store, action_id: str) -> None:
    store.redis.hset(store.keys.key("action", action_id), DELIVERED_FIELD, server_ms(store.redis))


def was_delivered(store: Store, action_id: str) -> bool:
    return bool(store.redis.hexists(store.keys.key("action", action_id), DELIVERED_FIELD))
