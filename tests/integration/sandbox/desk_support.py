"""What the ticket-children tests share: a module-wide sandbox, its seeded ids, the write log, multipart bodies."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx

from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 20


def seeded_tickets(client: httpx.Client) -> list[dict[str, Any]]:
    """The org's tickets as the list shows them (ids, departmentId, assigneeId, counts)."""
    return client.get("/tickets", params={"limit": 100}).json()["data"]


def ticket(client: httpx.Client, ticket_id: str, **params: str) -> dict[str, Any]:
    answer = client.get(f"/tickets/{ticket_id}", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def last_write(desk: SandboxProcess) -> dict[str, Any]:
    return desk.control.get("/_sandbox/writes").json()["data"][-1]


def scoped_token(desk: SandboxProcess, scopes: str) -> str:
    """An access token granting only `scopes` (comma list), through the authorization-code flow."""
    redirect_uri = "http://127.0.0.1/oauthgrant"
    redirect = httpx.get(f"{desk.accounts_url}/oauth/v2/auth", params={
        "response_type": "code", "client_id": desk.client_id, "scope": scopes, "redirect_uri": redirect_uri,
        "access_type": "offline"})
    code = httpx.URL(redirect.headers["location"]).params["code"]
    answer = httpx.post(f"{desk.accounts_url}/oauth/v2/token", params={
        "grant_type": "authorization_code", "code": code, "client_id": desk.client_id,
        "client_secret": desk.client_secret, "redirect_uri": redirect_uri})
    return answer.json()["access_token"]


def tick(desk: SandboxProcess, seconds: float = 1.0) -> None:
    """Move the sandbox clock on, so records made one after the other have distinct times to sort by."""
    assert desk.control.post("/_sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def set_max_attachment_bytes(desk: SandboxProcess, limit: int) -> None:
    assert desk.control.post("/_sandbox/config", json={"maxAttachmentBytes": limit}).status_code == 200


def chunked_multipart(name: str, content: bytes) -> tuple[Iterator[bytes], dict[str, str]]:
    """A multipart body with one `file` part, sent chunked: no Content-Length, so only the file's measured size
    can tell that it is too large."""
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for start in range(0, len(content), 4096):
            yield content[start : start + 4096]
        yield tail

    return chunks(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
