from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from passlib.context import CryptContext

from .config import get_settings

pwd_context = CryptContext(schemes=["argon2"], deprecated="auto")
REFRESH_TTL = timedelta(days=14)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _expiry(minutes: int) -> datetime:
    return _now() + timedelta(minutes=minutes)


def _base_claims(subject: str) -> dict[str, Any]:
    return {"sub": subject, "iss": "ledger-api", "iat": int(_now().timestamp())}


def create_access_token(data: dict[str, Any], expires_delta: timedelta | None = None) -> str:
    settings = get_settings()
    to_encode = data.copy()
    if expires_delta is not None:
        to_encode["exp"] = _now() + expires_delta
    return jwt.encode(to_encode, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def create_user_token(user_id: int) -> str:
    settings = get_settings()
    claims = _base_claims(str(user_id))
    claims["exp"] = _expiry(settings.access_token_expire_minutes)
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def create_refresh_token(user_id: int, family: str) -> str:
    settings = get_settings()
    claims = {**_base_claims(str(user_id)), "typ": "refresh", "fam": family, "exp": _now() + REFRESH_TTL}
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def create_statement_link_token(account_id: int, statement_id: int) -> str:
    settings = get_settings()
    claims = _base_claims(f"acct:{account_id}")
    claims.update({"stmt": statement_id, "scope": "statements:read"})
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def create_export_token(account_id: int) -> str:
    settings = get_settings()
    claims = dict(sub=f"acct:{account_id}", scope="exports:read", iat=int(_now().timestamp()))
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def create_service_token(service: str) -> str:
    settings = get_settings()
    claims = _base_claims(f"svc:{service}")
    claims["exp"] = int(_now().timestamp()) + settings.service_token_lifetime_seconds
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def create_support_impersonation_token(agent_id: int, user_id: int) -> str:
    settings = get_settings()
    claims = {**_base_claims(str(user_id)), "act": {"sub": str(agent_id)}}
    claims["exp"] = _now() + timedelta(days=3650)
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def decode_token(token: str) -> dict[str, Any]:
    settings = get_settings()
    return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_algorithm],
                      issuer="ledger-api", options={"require": ["exp", "sub"]})


def decode_refresh_token(token: str) -> dict[str, Any]:
    settings = get_settings()
    return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_algorithm], leeway=30)


def decode_legacy_mobile_token(token: str) -> dict[str, Any]:
    settings = get_settings()
    return jwt.decode(
        token,
        settings.jwt_secret,
        algorithms=[settings.jwt_algorithm],
        options={"verify_exp": False},
    )


def decode_partner_token(token: str, partner_key: str) -> dict[str, Any]:
    return jwt.decode(token, partner_key, algorithms=["RS256"], leeway=timedelta(days=365))


def unverified_issuer(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["iss"]


def hash_password(password: str) -> str:
    return pwd_context.hash(password)
