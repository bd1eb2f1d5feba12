"""Authentication dependencies for the orders API."""
from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime, timedelta, timezone

from fastapi import Depends, HTTPException, Security, status
from fastapi.security import APIKeyHeader, HTTPBasic, HTTPBasicCredentials, OAuth2PasswordBearer
from jose import JWTError, jwt
from passlib.context import CryptContext

SECRET_KEY = "e58bf1f54743947ba9b8aa97b55d33df9a28d938826dd4a66fbf68371eb479d4"
ALGORITHM = "HS256"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
basic = HTTPBasic()
pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")

# Keys accepted from partner systems, looked up by their hash so the plain keys live elsewhere.
PARTNER_KEY_HASHES = {
    "warehouse": "4b186266988c89516c6a8f546f5151f14becb18c4c89a8c40bd916fb1ebca61d",
    "billing": "aa297e3d9184c275bc166439824f553b4a4d65b63d9c57cbe5776c1c2b848289",
}
METRICS_USER = "prometheus"
METRICS_PASSWORD = "nrpM?VJk=PANxi98Dj"
FAKE_USERS_DB = {
    "johndoe": {
        "username": "johndoe",
        "hashed_password": "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW",
    }
}


def create_access_token(data: dict[str, object], expires: timedelta = timedelta(minutes=15)) -> str:
    to_encode = dict(data, exp=datetime.now(timezone.utc) + expires)
    return jwt.encode(to_encode, SECRET_KEY, algorithm=ALGORITHM)


def current_user(token: str = Depends(oauth2_scheme)) -> str:
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
    except JWTError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Could not validate credentials") from exc
    return str(payload["sub"])


def partner(api_key: str | None = Security(api_key_header)) -> str:
    digest = hashlib.sha256((api_key or "").encode()).hexdigest()
    for name, expected in PARTNER_KEY_HASHES.items():
        if hmac.compare_digest(digest, expected):
            return name
    raise HTTPException(status.HTTP_403_FORBIDDEN, "Invalid API key")


def metrics_auth(credentials: HTTPBasicCredentials = Depends(basic)) -> None:
    ok_user = hmac.compare_digest(credentials.username, METRICS_USER)
    ok_pass = hmac.compare_digest(credentials.password, METRICS_PASSWORD)
    if not (ok_user and ok_pass):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, headers={"WWW-Authenticate": "Basic"})


def webhook_secret() -> bytes:
    return os.environb.get(b"WEBHOOK_SECRET", b"")
