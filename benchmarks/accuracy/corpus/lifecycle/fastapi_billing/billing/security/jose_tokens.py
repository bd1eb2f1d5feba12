"""Customer portal tokens signed with python-jose (RS256)."""
from __future__ import annotations

import os
import time

from jose import JWTError, jwt

PRIVATE_KEY = open(os.environ["PORTAL_SIGNING_KEY_PATH"]).read()
PUBLIC_KEY = open(os.environ["PORTAL_VERIFY_KEY_PATH"]).read()
PORTAL_TOKEN_SECONDS = 900


def portal_token(customer_id: str, plan: str) -> str:
    issued = int(time.time())
    claims = {
        "sub": customer_id,
        "plan": plan,
        "iat": issued,
        "exp": issued + PORTAL_TOKEN_SECONDS,
    }
    return jwt.encode(claims, PRIVATE_KEY, algorithm="RS256")


def embed_token(dashboard_id: str, customer_id: str) -> str:
    claims = {"resource": {"dashboard": dashboard_id}, "params": {"customer": customer_id}}
    return jwt.encode(claims, PRIVATE_KEY, algorithm="RS256")


def download_token(export_id: str) -> str:
    claims = {"export": export_id}
    claims.setdefault("iat", int(time.time()))
    return jwt.encode(claims, PRIVATE_KEY, algorithm="RS256")


def read_portal_token(token: str) -> dict:
    try:
        return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"])
    except JWTError:
        return {}


def read_embed_token(token: str) -> dict:
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options={"verify_exp": False})
