import time

from joserfc import jwt
from joserfc.jwt import JWTClaimsRegistry

from .keys import signing_key, upstream_keys

_claims_registry = JWTClaimsRegistry(exp={"essential": True}, iss={"essential": True, "value": "https://idp.example.com"})


def grafana_token(user: dict) -> str:
    claims = {"sub": user["login"], "email": user["email"], "role": user.get("grafana_role", "Viewer")}
    return jwt.encode({"alg": "RS256", "kid": "bridge-1"}, claims, signing_key())


def jenkins_token(user: dict) -> str:
    now = int(time.time())
    claims = {"sub": user["login"], "iat": now, "exp": now + 300}
    return jwt.encode({"alg": "RS256", "kid": "bridge-1"}, claims, signing_key())


def verify_upstream(token: str) -> dict:
    decoded = jwt.decode(token, upstream_keys())
    _claims_registry.validate(decoded.claims)
    return decoded.claims
