"""Service-account keys for the sandbox: ``sandbox keygen`` and an OAuth token endpoint.

A key made by ``hookctl sandbox keygen`` looks like a Google key, but its
``token_uri`` is the sandbox's ``/_sandbox/token``. google-auth signs a JWT
assertion with the private key; the sandbox checks it against the registered
public key (RS256, audience, expiry) before it hands out an access token, so
the whole credential path runs for real, just on loopback.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
EMAIL = "stream-failover@hookctl-sandbox.iam.gserviceaccount.com"


class TokenRefused(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def make_key(token_uri: str, client_email: str = EMAIL) -> tuple[dict[str, Any], str]:
    """A Google-style service-account key and its public key (PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    key = {
        "type": "service_account",
        "project_id": client_email.split("@")[1].split(".")[0],
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": client_email,
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }
    return key, public


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass
class Registered:
    client_email: str
    public_pem: str


class KeyRing:
    def __init__(self) -> None:
        self.keys: dict[str, Registered] = {}
        self.lock = threading.Lock()

    def register(self, key_id: str, client_email: str, public_pem: str) -> None:
        with self.lock:
            self.keys[key_id] = Registered(client_email, public_pem)

    def exchange(self, form: dict[str, str], audience: str) -> dict[str, Any]:
        """OAuth 2.0 JWT-bearer grant: check the assertion, return an access token."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        if form.get("grant_type") != GRANT:
            raise TokenRefused("unsupported_grant_type", f"grant_type must be {GRANT}")
        try:
            head, body, signature = form["assertion"].split(".")
            header, claims = json.loads(_b64(head)), json.loads(_b64(body))
        except (KeyError, ValueError):
            raise TokenRefused("invalid_grant", "the assertion is not a JWT") from None
        registered = self.keys.get(str(header.get("kid")))
        if header.get("alg") != "RS256" or registered is None:
            raise TokenRefused("invalid_grant", "Invalid JWT Signature.")
        public: Any = serialization.load_pem_public_key(registered.public_pem.encode())
        try:
            public.verify(
                _b64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            raise TokenRefused("invalid_grant", "Invalid JWT Signature.") from None
        now = time.time()
        if claims.get("iss") != registered.client_email:
            raise TokenRefused("invalid_grant", "Invalid issuer for this key.")
        # google-auth always addresses Google's endpoint, whatever the key's token_uri.
        if claims.get("aud") not in (audience, GOOGLE_TOKEN):
            raise TokenRefused("invalid_grant", f"Invalid JWT audience: want {GOOGLE_TOKEN}.")
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300):
            raise TokenRefused(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
            )
        return {
            "access_token": f"sandbox-{secrets.token_hex(16)}",
            "expires_in": 3600,
            "token_type": "Bearer",
        }
