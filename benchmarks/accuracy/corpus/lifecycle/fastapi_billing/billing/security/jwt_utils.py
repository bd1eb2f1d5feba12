"""JWT helpers for the billing API (PyJWT)."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from fastapi import HTTPException, status

logger = logging.getLogger(__name__)

SIGNING_KEY = os.environ["BILLING_JWT_KEY"]
ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)


def create_access_token(subject: str, scopes: list[str]) -> str:
    now = datetime.now(timezone.utc)
    payload: dict[str, Any] = {"sub": subject, "scope": " ".join(scopes), "iat": now}
    payload.update(exp=now + ACCESS_TTL)
    return jwt.encode(payload, SIGNING_KEY, algorithm=ALGORITHM)


def create_service_token(service: str) -> str:
    claims = {"sub": service, "typ": "service", "iat": datetime.now(timezone.utc)}
    claims["aud"] = "billing-internal"
    return jwt.encode(claims, SIGNING_KEY, algorithm=ALGORITHM)


def create_invoice_link_token(invoice_id: int, customer_id: int) -> str:
    expires_at = datetime.now(timezone.utc) + timedelta(hours=1)
    data = {"inv": invoice_id, "cus": customer_id, "exp": expires_at}
    return jwt.encode(data, SIGNING_KEY, algorithm=ALGORITHM)


def create_webhook_token(endpoint_id: str) -> str:
    return jwt.encode({"endpoint": endpoint_id, "iss": "billing"}, SIGNING_KEY, algorithm=ALGORITHM)


def decode_access_token(token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, SIGNING_KEY, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "token expired") from exc
    except jwt.InvalidTokenError as exc:
        logger.warning("rejected token: %s", token)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc


def decode_partner_token(token: str, audience: str) -> dict[str, Any]:
    return jwt.decode(token, SIGNING_KEY, algorithms=[ALGORITHM], audience=audience)


def peek_claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def decode_long_lived(token: str) -> dict[str, Any]:
    return jwt.decode(token, SIGNING_KEY, algorithms=[ALGORITHM], options={"verify_exp": False})


def decode_internal(token: str) -> dict[str, Any]:
    return jwt.decode(token, SIGNING_KEY, algorithms=[ALGORITHM], options={"verify_aud": False})


def key_id(token: str) -> str | None:
    return jwt.get_unverified_header(token).get("kid")


BASE_CLAIMS = {"iss": "billing", "aud": "reports"}


def create_report_token(report_id: str) -> str:
    return jwt.encode({**BASE_CLAIMS, "report": report_id}, SIGNING_KEY, algorithm=ALGORITHM)


def create_report_token_v2(report_id: str) -> str:
    claims = {**BASE_CLAIMS, "report": report_id, "exp": datetime.now(timezone.utc) + timedelta(minutes=5)}
    return jwt.encode(claims, SIGNING_KEY, algorithm=ALGORITHM)
