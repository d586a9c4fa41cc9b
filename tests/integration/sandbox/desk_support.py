"""What the ticket-children tests share: the sandbox's size, its seeded tickets, the upload limit, multipart bodies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx

from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 20  # the sandbox conftest seeds this many unless a module names its own


def seeded_tickets(client: httpx.Client) -> list[dict[str, Any]]:
    """The org's tickets as the list shows them (ids, departmentId, assigneeId, counts)."""
    return client.get("/tickets", params={"limit": 100}).json()["data"]


def ticket(client: httpx.Client, ticket_id: str, **params: str) -> dict[str, Any]:
    answer = client.get(f"/tickets/{ticket_id}", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def set_max_attachment_bytes(desk: SandboxProcess, limit: int) -> None:
    assert desk.control.post("/_sandbox/config", json={"maxAttachmentBytes": limit}).status_code == 200


def chunked_multipart(name: str, content: bytes) -> tuple[Iterator[bytes], dict[str, str]]:
    """A multipart body with one `file` part, sent chunked: no Content-Length, so only the file's measured size
    can tell that it is too large."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for start in range(0, len(content), 4096):
            yield content[start : start + 4096]
        yield tail

    return chunks(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
