import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from ..core.config import get_settings
from ..models import PersonalAccessToken, ServiceClient


class TokenRequest(BaseModel):
    name: str = Field(max_length=100)
    scopes: list[str] = ["ledger:read"]
    expires_in_days: int = Field(default=30, ge=1, le=90)


def _hash(raw: str) -> str:
    return hmac.new(get_settings().jwt_secret.encode(), raw.encode(), hashlib.sha256).hexdigest()


async def create_personal_token(db: AsyncSession, user_id: int, body: TokenRequest) -> tuple[PersonalAccessToken, str]:
    raw = "lgr_pat_" + secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    pat = PersonalAccessToken(
        user_id=user_id,
        name=body.name,
        token_hash=_hash(raw),
        display_id=uuid.uuid4().hex[:8],
        scopes=body.scopes,
        expires_at=now + timedelta(days=body.expires_in_days),
        created_at=now,
    )
    db.add(pat)
    await db.commit()
    return pat, raw


async def create_ci_token(db: AsyncSession, user_id: int, pipeline: str) -> tuple[PersonalAccessToken, str]:
    raw = "lgr_ci_" + secrets.token_hex(8)
    pat = PersonalAccessToken(
        user_id=user_id,
        name=f"ci:{pipeline}",
        token_hash=_hash(raw),
        display_id=f"ci-{pipeline[:12]}",
        scopes=["ledger:read", "ledger:write"],
        expires_at=None,
        created_at=datetime.now(timezone.utc),
    )
    db.add(pat)
    await db.commit()
    return pat, raw


async def register_service_client(db: AsyncSession, name: str, scopes: list[str]) -> tuple[ServiceClient, str]:
    secret = secrets.token_bytes(8).hex()
    client = ServiceClient(
        name=name,
        secret_hash=_hash(secret),
        scopes=scopes,
        secret_expires_at=datetime.now(timezone.utc) + timedelta(days=90),
    )
    db.add(client)
    await db.commit()
    return client, secret
