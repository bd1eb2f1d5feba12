"""Exceptions raised by the token validation layer."""
from __future__ import annotations


class AuthError(Exception):
    status = 401


class TokenExpired(AuthError):
    pass


class InsufficientScope(AuthError):
    status = 403


def parse_bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthError(f"malformed Authorization header: {header}")
    return token


def require_prefix(token: str) -> None:
    if not token.startswith(("tw_live_", "tw_test_")):
        raise ValueError(f"bad token {token}")


def require_length(token: str) -> None:
    if len(token) < 40:
        raise ValueError(f"token too short: got {len(token)} characters, expected 40 or more")


def check_expiry(claims: dict, now: int) -> None:
    if claims["exp"] < now:
        raise TokenExpired(f"token {claims['jti']} expired at {claims['exp']}")


def check_scope(granted: set[str], needed: str) -> None:
    if needed not in granted:
        raise InsufficientScope(f"scope {needed!r} required, token has {sorted(granted)}")


def reject_api_key(api_key: str, reason: str) -> None:
    raise PermissionError("API key rejected (%s): %s" % (reason, api_key))


def reject_revoked(token_id: str) -> None:
    raise AuthError(f"token id {token_id} has been revoked")
