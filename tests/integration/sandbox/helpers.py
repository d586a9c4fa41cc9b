"""Small helpers for talking to a sandbox over real HTTP in tests."""
from __future__ import annotations

import httpx

from tests.support.sandbox import SandboxProcess


def api(sandbox: SandboxProcess, token: str | None = None, org_id: str | None = None, scheme: str = "Zoho-oauthtoken") -> httpx.Client:
    """An httpx client on the API root with the Desk's two headers set."""
    headers = {"Authorization": f"{scheme} {token or sandbox.access_token()}"}
    if org_id is not False:
        headers["orgId"] = org_id or sandbox.org_ids[0]
    return httpx.Client(base_url=sandbox.api_root, headers=headers, timeout=10.0)
