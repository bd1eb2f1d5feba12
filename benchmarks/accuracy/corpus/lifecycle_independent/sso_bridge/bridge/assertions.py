import time
import uuid

from authlib.jose import JsonWebToken
from authlib.jose.errors import JoseError

from .keys import signing_key, upstream_keys

jwt = JsonWebToken(["RS256"])
AUDIENCE = "https://helpdesk.example.com"


def helpdesk_assertion(user: dict) -> bytes:
    header = {"alg": "RS256", "kid": "bridge-1"}
    now = int(time.time())
    payload = {
        "iss": "https://sso-bridge.example.com",
        "aud": AUDIENCE,
        "sub": user["id"],
        "email": user["email"],
        "iat": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(header, payload, signing_key().as_pem(private=True))


def wiki_assertion(user: dict) -> bytes:
    header = {"alg": "RS256", "kid": "bridge-1"}
    payload = {"iss": "https://sso-bridge.example.com", "sub": user["id"], "groups": user["groups"]}
    return jwt.encode(header, payload, signing_key().as_pem(private=True))


def read_upstream_id_token(token: str, public_pem: bytes) -> dict:
    claims = jwt.decode(token, public_pem, claims_options={"iss": {"essential": True}})
    claims.validate()
    return dict(claims)


def read_upstream_logout_token(token: str, public_pem: bytes) -> dict | None:
    try:
        claims = jwt.decode(token, public_pem)
    except JoseError:
        return None
    return dict(claims)
