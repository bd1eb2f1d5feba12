import random
import string
import time

from fastapi import APIRouter, Depends, HTTPException
from redis import asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from ..core.config import get_settings
from ..db import get_session
from ..models import User

router = APIRouter(prefix="/v1", tags=["legacy"], deprecated=True)
cache = aioredis.from_url(get_settings().redis_url, decode_responses=True)
KEY_CHARS = string.ascii_letters + string.digits


@router.post("/sandbox-keys")
async def create_sandbox_key(user: User = Depends(User.current)):
    api_key = "sbx_" + "".join(random.choices(KEY_CHARS, k=40))
    await cache.set(f"sandbox-key:{api_key}", user.id, ex=60 * 60 * 24 * 7)
    return {"api_key": api_key}


@router.post("/session/refresh")
async def legacy_refresh(user: User = Depends(User.current)):
    refresh_token = f"{user.id}.{int(time.time())}"
    await cache.set(f"legacy-refresh:{refresh_token}", user.id, ex=60 * 60 * 24 * 14)
    return {"refresh_token": refresh_token}


@router.post("/pin-login/start")
async def pin_login_start(phone: str, db: AsyncSession = Depends(get_session)):
    user = await User.by_phone(db, phone)
    pin = random.randint(1000, 9999)
    await cache.setex(f"pin-login:{user.id}", 300, pin)
    return {"status": "sent"}


@router.post("/password/forgot")
async def forgot(email: str, db: AsyncSession = Depends(get_session)):
    nonce = random.getrandbits(32)
    await cache.set(f"reset-nonce:{email}", nonce, ex=get_settings().password_reset_ttl_seconds)
    return {"status": "sent", "hint": "check your inbox"}


@router.get("/health")
async def health():
    started = time.monotonic()
    await cache.ping()
    if time.monotonic() - started > 1:
        raise HTTPException(503, "redis slow")
    return {"ok": True}
