"""The accounts server: OAuth clients, grants, refresh tokens and access tokens, as Zoho's behaves.

Token endpoint failures answer HTTP 200 with `{"error": ...}`; a refresh token mints at most
`MINTS_PER_WINDOW` access tokens per `MINT_WINDOW`, and is never rotated. At most `ACTIVE_PER_REFRESH` of its
access tokens are live at once: minting one more invalidates its oldest, as Zoho's accounts server documents
("a maximum of 15 active access tokens per refresh token; when the 16th is requested, the oldest is invalidated").
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox.clock import Clock

DEFAULT_TOKEN_TTL = timedelta(seconds=3600)
MINTS_PER_WINDOW = 10
MINT_WINDOW = timedelta(minutes=10)
ACTIVE_PER_REFRESH = 15
CODE_TTL = timedelta(minutes=2)
ALL_SCOPES = (
    "Desk.tickets.ALL",
    "Desk.contacts.ALL",
    "Desk.tasks.ALL",
    "Desk.basic.READ",
    "Desk.basic.CREATE",
    "Desk.settings.ALL",
    "Desk.search.READ",
    "Desk.activities.ALL",
    "Desk.calls.ALL",
    "Desk.events.ALL",
    "Desk.articles.READ",
)
THROTTLED = {  # the accounts server's answer past the mint limit (and to everyone while it throttles)
    "error": "Access Denied",
    "error_description": "You have made too many requests continuously. Please try again after some time.",
}
WRITE_ACTIONS = frozenset({"CREATE", "UPDATE", "DELETE", "WRITE"})


def scope_allows(granted: frozenset[str], required: str) -> bool:
    """`Desk.tickets.ALL` covers every action of tickets; `WRITE` covers CREATE, UPDATE and DELETE."""
    if required in granted:
        return True
    service, _, action = required.rpartition(".")
    if f"{service}.ALL" in granted:
        return True
    return action in WRITE_ACTIONS and f"{service}.WRITE" in granted


def _token() -> str:
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...] = ()


@dataclass
class Grant:
    """What a user approved: the client, scopes and the organisations the user belongs to."""

    client_id: str
    scopes: frozenset[str]
    org_ids: frozenset[str]


@dataclass
class AccessToken:
    grant: Grant
    expires_at: datetime
    refresh_token: str | None


@dataclass
class AuthServer:
    clock: Clock
    token_ttl: timedelta = DEFAULT_TOKEN_TTL
    clients: dict[str, Client] = field(default_factory=dict)
    codes: dict[str, tuple[Grant, datetime, str]] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    minted: int = 0
    refreshes: int = 0
    _mints: dict[str, deque[datetime]] = field(default_factory=dict)

    def register_client(self, redirect_uri: str = "http://127.0.0.1/oauthgrant") -> Client:
        client = Client(
            client_id="1000." + secrets.token_hex(15).upper(),
            client_secret=secrets.token_hex(21),
            redirect_uris=(redirect_uri,),
        )
        self.clients[client.client_id] = client
        return client

    def issue_refresh_token(self, grant: Grant) -> str:
        token = _token()
        self.refresh_tokens[token] = grant
        return token

    def authorize(self, client_id: str, scopes: frozenset[str], org_ids: frozenset[str], redirect_uri: str) -> str:
        code = _token()
        self.codes[code] = (Grant(client_id, scopes, org_ids), self.clock.now() + CODE_TTL, redirect_uri)
        return code

    def exchange_code(self, client: Client, code: str, redirect_uri: str | None) -> dict[str, object]:
        entry = self.codes.pop(code, None)
        if entry is None or entry[1] < self.clock.now() or entry[0].client_id != client.client_id:
            return {"error": "invalid_code"}
        grant, _, expected_redirect = entry
        if redirect_uri and redirect_uri != expected_redirect:
            return {"error": "invalid_redirect_uri"}
        refresh = self.issue_refresh_token(grant)
        answer = self._mint(grant, refresh)
        answer["refresh_token"] = refresh
        return answer

    def refresh(self, client: Client, refresh_token: str) -> dict[str, object]:
        grant = self.refresh_tokens.get(refresh_token)
        if grant is None or grant.client_id != client.client_id:
            return {"error": "invalid_code"}
        if not self._may_mint(refresh_token):
            return dict(THROTTLED)
        self.refreshes += 1
        return self._mint(grant, refresh_token)

    def _may_mint(self, refresh_token: str) -> bool:
        now = self.clock.now()
        window = self._mints.setdefault(refresh_token, deque())
        while window and window[0] <= now - MINT_WINDOW:
            window.popleft()
        if len(window) >= MINTS_PER_WINDOW:
            return False
        window.append(now)
        return True

    def _mint(self, grant: Grant, refresh_token: str | None) -> dict[str, object]:
        token = _token()
        if refresh_token is not None:
            self._invalidate_oldest(refresh_token)
        self.access_tokens[token] = AccessToken(grant, self.clock.now() + self.token_ttl, refresh_token)
        self.minted += 1
        return {
            "access_token": token,
            "expires_in": int(self.token_ttl.total_seconds()),
            "api_domain": "https://www.zohoapis.com",
            "token_type": "Bearer",
        }

    def _invalidate_oldest(self, refresh_token: str) -> None:
        """Make room for one more live token of `refresh_token` (tokens are kept in minting order)."""
        now = self.clock.now()
        live = [
            token
            for token, entry in self.access_tokens.items()
            if entry.refresh_token == refresh_token and entry.expires_at > now
        ]
        for token in live[: max(0, len(live) - ACTIVE_PER_REFRESH + 1)]:
            del self.access_tokens[token]

    def lookup(self, token: str) -> AccessToken | None:
        """The live access token, or None when unknown, revoked or expired."""
        entry = self.access_tokens.get(token)
        if entry is None:
            return None
        if entry.expires_at <= self.clock.now():
            del self.access_tokens[token]
            return None
        return entry

    def revoke_access_tokens(self) -> int:
        count = len(self.access_tokens)
        self.access_tokens.clear()
        return count

    def reset_mint_windows(self) -> None:
        self._mints.clear()
