"""The Desk's check of a webhook URL on create and on a URL change: a GET, then a POST, must answer 200 OK.

Off unless the `validateUrls` control is on (the contract's default), so receivers that do not answer GET keep
working in tests that are not about it. The check is a blocking request from inside the API call, as the Desk's
answer waits for it too: a receiver served by the sandbox's own event loop cannot answer it.
"""

from __future__ import annotations

import httpx

from sandbox.errors import ApiError

VALIDATION_BODY = b"[]"


def validate_url(url: str, timeout_s: float) -> None:
    """Raises 422 UNPROCESSABLE_ENTITY unless the GET or else the POST to `url` answers 200."""
    with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
        for method in ("GET", "POST"):
            body = VALIDATION_BODY if method == "POST" else None
            try:
                answer = client.request(method, url, content=body, headers={"Content-Type": "application/json"})
            except httpx.HTTPError:
                continue
            if answer.status_code == 200:
                return
    raise ApiError(
        422,
        "UNPROCESSABLE_ENTITY",
        f"The webhook URL {url} did not answer the validation request (GET, then POST) with 200 OK.",
    )
