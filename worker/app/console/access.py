"""Who may use the console, and which POSTs are the console's own.

- A token (DESKPILOT_CONSOLE_TOKEN), when set, is required on every request: `?token=` once (it is then kept in
  an HttpOnly cookie and the address cleaned), or `Authorization: Bearer`. A loopback bind may go without one;
  any other bind must have one (server.py refuses to start otherwise).
- Cross-site requests: a POST must carry the form's CSRF token (an HMAC of this process's secret) and must not
  come from another site (its Origin must be the console's, and Sec-Fetch-Site, when the browser sends it,
  same-origin).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

COOKIE = "deskpilot_console"


class Access:
    def __init__(self, token: str = "") -> None:
        self.token = token
        self._secret = secrets.token_bytes(32)

    def allowed(self, request: Request) -> bool:
        if not self.token:
            return True
        offered = request.cookies.get(COOKIE) or request.query_params.get("token") or ""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            offered = header[7:].strip()
        return hmac.compare_digest(offered.encode(), self.token.encode())

    def csrf_token(self) -> str:
        return hmac.new(self._secret, b"console-post", hashlib.sha256).hexdigest()

    def same_site_post(self, request: Request, form_token: str) -> str | None:
        """None when the POST may go ahead, else why it is refused."""
        if not hmac.compare_digest(form_token.encode(), self.csrf_token().encode()):
            return "the form's token is missing or stale: reload the page and try again"
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return f"a cross-site request ({fetch_site}) is refused"
        origin = request.headers.get("origin")
        if origin is not None and not _same_origin(origin, request):
            return "a request from another origin is refused"
        return None


def _same_origin(origin: str, request: Request) -> bool:
    parts = urlsplit(origin)
    host = request.headers.get("host", "")
    return parts.scheme == request.url.scheme and parts.netloc == host
