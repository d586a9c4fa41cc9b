"""What the webhook tests share: a receiver per test, a clean slate per test, subscribing, waiting for the
deliveries, reading them back and verifying their JWT against the sandbox's JWKS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import orjson
import pytest

from tests.support.receiver import Received, Receiver
from tests.support.sandbox import SandboxProcess

JWT_HEADER = "x-zdesk-jwt"


@pytest.fixture(name="receiver")
def receiver_fixture() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def clean_slate(desk: SandboxProcess, client: httpx.Client) -> Iterator[None]:
    """Every test starts with no webhooks, default controls and an empty delivery log."""
    yield
    for org_id in desk.org_ids:
        with other_org(desk, client, org_id) as org_client:
            listed = org_client.get("/webhooks")
            for webhook in listed.json()["data"] if listed.status_code == 200 else []:
                assert org_client.delete(f"/webhooks/{webhook['id']}").status_code == 200
    assert desk.control.delete("/_sandbox/webhooks/controls").status_code == 200
    drain(desk)
    assert desk.control.delete("/_sandbox/webhooks/deliveries").status_code == 200


def other_org(desk: SandboxProcess, client: httpx.Client, org_id: str) -> httpx.Client:
    """A client on `org_id` with the module client's token (minting more would spend the refresh token's mints)."""
    headers = {"Authorization": client.headers["Authorization"], "orgId": org_id}
    return httpx.Client(base_url=desk.api_root, headers=headers, timeout=10.0)


def subscribe(client: httpx.Client, url: str, subscriptions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    answer = client.post("/webhooks", json={"url": url, "name": "test", "subscriptions": subscriptions, **extra})
    assert answer.status_code == 200, answer.text
    webhook: dict[str, Any] = answer.json()
    return webhook


def drain(desk: SandboxProcess) -> None:
    answer = desk.control.post("/_sandbox/webhooks/drain", json={"timeoutS": 10})
    assert answer.json() == {"pending": 0}


def controls(desk: SandboxProcess, **values: Any) -> None:
    answer = desk.control.post("/_sandbox/webhooks/controls", json=values)
    assert answer.status_code == 200, answer.text


def deliveries(desk: SandboxProcess, **params: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = desk.control.get("/_sandbox/webhooks/deliveries", params=params).json()["data"]
    return entries


def header(request: Received, name: str) -> str | None:
    return next((value for key, value in request.headers.items() if key.lower() == name), None)


def events(receiver: Receiver) -> list[dict[str, Any]]:
    """Every event every request carried, in arrival order."""
    return [event for request in list(receiver.requests) for event in orjson.loads(request.body)]


def event_types(receiver: Receiver) -> list[str]:
    return [event["eventType"] for event in events(receiver)]


def claims(desk: SandboxProcess, request: Received, org_id: str, webhook_id: str) -> dict[str, Any]:
    """The request's JWT verified as a receiver must: the key named by its kid in the JWKS, RS256, iss and aud."""
    token = header(request, JWT_HEADER)
    assert token is not None
    keys = jwt.PyJWKSet.from_dict(httpx.get(f"{desk.base_url}/.well-known/jwks.json").json())
    key = keys[jwt.get_unverified_header(token)["kid"]]
    verified: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=f"webhookId:{webhook_id}",
        issuer=f"orgId:{org_id}",
        options={"require": ["exp", "iat", "jti"]},
    )
    return verified
