"""Structured audit and debug logging for the auth service."""
from __future__ import annotations

import hashlib
import logging

import structlog

from authsvc.redaction import redact

log = structlog.get_logger("authsvc.audit")
std = logging.getLogger("authsvc")


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def token_issued(user_id: int, token: str, scopes: list[str]) -> None:
    log.info("token.issued", user_id=user_id, token_fp=fingerprint(token), scopes=scopes)
    std.info("issued token %s... for user %s", token[:6], user_id)


def token_refreshed(user_id: int, old_token: str, new_token: str) -> None:
    log.info("token.refreshed", user_id=user_id, old=old_token, new=new_token)


def client_authenticated(client_id: str, client_secret: str) -> None:
    std.debug("client %s authenticated with secret %s", client_id, client_secret)


def api_key_used(api_key: str, path: str) -> None:
    std.info(f"api key {redact(api_key)} called {path}")


def session_started(session_token: str, ip: str) -> None:
    std.info("session started from %s: %s", ip, session_token)


def token_failed(token: str, error: Exception) -> None:
    std.exception("token validation failed for %s", token)


def token_stats(tokens: list[str]) -> None:
    std.info("active tokens: %d", len(tokens))


def header_debug(headers: dict[str, str]) -> None:
    safe = {k: ("<redacted>" if k.lower() in {"authorization", "cookie", "x-api-key"} else v) for k, v in headers.items()}
    std.debug("request headers: %s", safe)


def refresh_token_debug(refresh_token: str) -> None:
    std.debug(f"refresh_token={refresh_token}")


def token_type_seen(token_type: str) -> None:
    std.info("token_type=%s", token_type)


def request_debug(request_headers: dict[str, str], path: str) -> None:
    std.debug("%s Authorization: %s", path, request_headers.get("Authorization"))
    std.debug("%s has Authorization header: %s", path, "Authorization" in request_headers)
