"""The deliveries' signature: an RS256 JWT in X-ZDesk-JWT, with the public keys published as a JWKS.

Key pairs are made per sandbox process at first use (the hub asks when the first webhook is created: RSA 2048
takes up to a few hundred milliseconds, which a sandbox that never delivers does not pay, nor a first delivery).
The newest key signs; a rotation may keep older ones in the JWKS, as a real key rollover does. iat/exp are
wall-clock time, not the sandbox clock: tests move the sandbox clock hours ahead, and a receiver checks the token
against its own clock. `fault` makes a deliberately bad token for receivers' tests.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"
KEY_BITS = 2048
TOKEN_TTL_S = 300
JwtFault = Literal["missing", "expired", "unknownKid", "wrongKey", "wrongIssuer", "wrongAudience", "malformed"]
JWT_FAULTS: tuple[JwtFault, ...] = (
    "missing",
    "expired",
    "unknownKid",
    "wrongKey",
    "wrongIssuer",
    "wrongAudience",
    "malformed",
)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        return cls(kid=f"sandbox-{secrets.token_hex(8)}", private=private)

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "use": "sig", "alg": ALGORITHM}


@dataclass(frozen=True)
class Signed:
    """A delivery's token (None when the fault leaves it out) and its jti."""

    token: str | None
    jti: str


@dataclass
class Signer:
    keys: list[SigningKey] = field(default_factory=list)  # the newest signs; all are published
    _stranger: SigningKey | None = None  # a key never published, for the unknownKid and wrongKey faults

    def current(self) -> SigningKey:
        if not self.keys:
            self.keys.append(SigningKey.generate())
        return self.keys[-1]

    def jwks(self) -> dict[str, Any]:
        self.current()
        return {"keys": [key.jwk() for key in self.keys]}

    def kids(self) -> list[str]:
        return [key.kid for key in self.keys]

    def rotate(self, keep_old: bool = True) -> str:
        """A new key signs from now on; the old ones stay published only with `keep_old`."""
        self.current()
        new = SigningKey.generate()
        self.keys = [*self.keys, new] if keep_old else [new]
        return new.kid

    def sign(self, org_id: str, webhook_id: str, fault: JwtFault | None = None) -> Signed:
        """The token for one send of one webhook's delivery."""
        jti = uuid.uuid4().hex
        if fault == "missing":
            return Signed(None, jti)
        if fault == "malformed":
            return Signed("not-a-jwt", jti)
        now = int(time.time())
        issued = now - 2 * TOKEN_TTL_S if fault == "expired" else now
        claims = {
            "iss": f"orgId:{'0' if fault == 'wrongIssuer' else org_id}",
            "aud": f"webhookId:{'0' if fault == 'wrongAudience' else webhook_id}",
            "iat": issued,
            "exp": issued + TOKEN_TTL_S,
            "jti": jti,
        }
        key, kid = self.current(), self.current().kid
        if fault in ("unknownKid", "wrongKey"):
            key = self._stranger_key()
            kid = key.kid if fault == "unknownKid" else kid
        return Signed(jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": kid}), jti)

    def _stranger_key(self) -> SigningKey:
        if self._stranger is None:
            self._stranger = SigningKey.generate()
        return self._stranger
