"""Small helpers for talking to a sandbox over real HTTP in tests: clients, scoped tokens, its clock, its write log."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.sandbox import SandboxProcess

REDIRECT_URI = "http://127.0.0.1/oauthgrant"


def api(
    sandbox: SandboxProcess, token: str | None = None, org_id: str | None = None, scheme: str = "Zoho-oauthtoken"
) -> httpx.Client:
    """An httpx client on the API root with the Desk's two headers set."""
    headers = {"Authorization": f"{scheme} {token or sandbox.access_token()}"}
    if org_id is not False:
        headers["orgId"] = org_id or sandbox.org_ids[0]
    return httpx.Client(base_url=sandbox.api_root, headers=headers, timeout=10.0)


def scoped_token(desk: SandboxProcess, *scopes: str) -> str:
    """An access token granted only `scopes` (each may be a comma list), through the authorization-code flow as a
    client would get it."""
    redirect = httpx.get(
        f"{desk.accounts_url}/oauth/v2/auth",
        params={
            "response_type": "code",
            "client_id": desk.client_id,
            "scope": ",".join(scopes),
            "redirect_uri": REDIRECT_URI,
            "access_type": "offline",
        },
    )
    code = httpx.URL(redirect.headers["location"]).params["code"]
    answer = httpx.post(
        f"{desk.accounts_url}/oauth/v2/token",
        params={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": desk.client_id,
            "client_secret": desk.client_secret,
            "redirect_uri": REDIRECT_URI,
        },
    ).json()
    return answer["access_token"]


def advance(desk: SandboxProcess, seconds: float) -> None:
    """Move the sandbox clock on, so records made one after the other have distinct times to sort by, and a write's
    new modifiedTime differs from the old one."""
    assert desk.control.post("/_sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def writes_since(desk: SandboxProcess, seq: int = 0) -> list[dict[str, Any]]:
    return desk.control.get("/_sandbox/writes", params={"since": seq}).json()["data"]


def last_seq(desk: SandboxProcess) -> int:
    writes = writes_since(desk)
    return writes[-1]["seq"] if writes else 0


def last_write(desk: SandboxProcess) -> dict[str, Any]:
    return writes_since(desk)[-1]


def ids(answer: httpx.Response) -> list[str]:
    """The ids of a list answer, in order (204 No Content: none)."""
    return [] if answer.status_code == 204 else [item["id"] for item in answer.json()["data"]]
