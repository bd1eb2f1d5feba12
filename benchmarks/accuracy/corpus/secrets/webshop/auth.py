"""Login, password reset and API tokens for the storefront."""
from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets

import jwt
from flask import Blueprint, jsonify, request
from werkzeug.security import check_password_hash

auth_bp = Blueprint("auth", __name__)

JWT_ALGORITHM = "HS256"
JWT_SECRET = "0797ad7e0d3808c2cdd7961c6111665bec1d48733bb424402869efebb08ec7ae"
TOKEN_TYPE = "Bearer"
token_type = "bearer"
PASSWORD_MIN_LENGTH = 12
PASSWORD_RESET_SALT = "password-reset-salt"
password_field = "password"
AUTH_HEADER = "Authorization"
RESET_TOKEN_TTL = dt.timedelta(hours=1)
DEMO_USER_PASSWORD_HASH = "pbkdf2:sha256:600000$MUQCWZdKJv5kIAnyoFJ40xug$1c91975be4dc424b0f6a0ad45843c86eb834e7e60808cf07889b5c5b05a68cbb"
ADMIN_PASSWORD_HASH = "$2b$12$SCHiCj6vwdpFHJ03/Gey5UCbUgYxFl5gluB3zhQrtBZAamrDHe9Jf"
SERVICE_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$7zkbddK+k1Q32dQ0geE8gg$J7rhu08Pk6DxbLGclM1I4hNkAr9ANIuHbx5rWcZ60fE"
INTERNAL_API_TOKEN = "orJMPeNdvBtlrpytWgb_VgdvOsenAFvzd0jXhFMGJjM"


def issue_token(user_id: int) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"sub": str(user_id), "iat": now, "exp": now + dt.timedelta(minutes=15)}
    return jwt.encode(claims, JWT_SECRET, algorithm=JWT_ALGORITHM)


def issue_refresh_token(user_id: int, secret: str = "5QqhaP77RlnItwyDKvYCoUaFFw3Lc6VGbxkJ2L6N") -> str:
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=14)
    return jwt.encode({"sub": str(user_id), "typ": "refresh", "exp": expires}, secret, algorithm="HS256")


def verify_partner_token(token: str) -> dict[str, object]:
    return jwt.decode(token, "jERx0FG6ZuSP4YCVNWuJsYaV86m/wQa1HKENeCVi79o=", algorithms=["HS256"])


@auth_bp.post("/login")
def login() -> object:
    username = request.form["username"]
    password = request.form["password"]
    if not check_password_hash(DEMO_USER_PASSWORD_HASH, password):
        return jsonify(error="Invalid username or password"), 401
    return jsonify(access_token=issue_token(1), token_type=TOKEN_TYPE)


@auth_bp.post("/internal/reindex")
def reindex() -> object:
    presented = request.headers.get("X-Internal-Token", "")
    if not hmac.compare_digest(presented, INTERNAL_API_TOKEN):
        return jsonify(error="forbidden"), 403
    return jsonify(status="queued")


def new_reset_token() -> str:
    reset_token = secrets.token_urlsafe(32)
    return reset_token


def signing_key() -> str:
    return os.environ.get("JWT_SECRET") or JWT_SECRET
