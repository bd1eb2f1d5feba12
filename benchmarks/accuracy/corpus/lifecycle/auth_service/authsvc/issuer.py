"""Token issuer for internal services, built on authlib's JOSE implementation."""
from __future__ import annotations

import time
from dataclasses import dataclass

from authlib.jose import JsonWebToken, jwt
from authlib.jose.errors import JoseError

from authsvc.keys import current_private_jwk, public_jwks

HEADER = {"alg": "RS256", "kid": "svc-2024-05"}
ACCESS_SECONDS = 600
_jwt = JsonWebToken(["RS256"])


@dataclass(frozen=True)
class ServiceIdentity:
    name: str
    audience: str


def mint(identity: ServiceIdentity) -> bytes:
    now = int(time.time())
    payload = {"iss": "authsvc", "sub": identity.name, "aud": identity.audience, "iat": now, "exp": now + ACCESS_SECONDS}
    return jwt.encode(HEADER, payload, current_private_jwk())


def mint_bootstrap(identity: ServiceIdentity) -> bytes:
    payload = {"iss": "authsvc", "sub": identity.name, "aud": identity.audience, "iat": int(time.time())}
    return jwt.encode(HEADER, payload, current_private_jwk())


def mint_with_lifetime(identity: ServiceIdentity, seconds: int) -> bytes:
    payload = {"iss": "authsvc", "sub": identity.name, "aud": identity.audience}
    payload["exp"] = int(time.time()) + min(seconds, ACCESS_SECONDS)
    return _jwt.encode(HEADER, payload, current_private_jwk())


def verify(token: bytes, audience: str) -> dict:
    claims = _jwt.decode(token, public_jwks(), claims_options={"aud": {"essential": True, "value": audience}})
    try:
        claims.validate()
    except JoseError:
        return {}
    return dict(claims)
