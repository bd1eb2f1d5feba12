import secrets
import time
from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.ext.asyncio import AsyncSession

from ..core import security
from ..db import get_session
from ..models import RefreshSession, ServiceClient, User
from ..services import otp, partners

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
async def login(form: OAuth2PasswordRequestForm = Depends(), db: AsyncSession = Depends(get_session)):
    user = await User.authenticate(db, form.username, form.password)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect username or password")
    family = secrets.token_urlsafe(16)
    db.add(RefreshSession(user_id=user.id, family=family, created_at=time.time()))
    await db.commit()
    return {
        "access_token": security.create_user_token(user.id),
        "refresh_token": security.create_refresh_token(user.id, family),
        "token_type": "bearer",
    }


@router.post("/client-token")
async def client_credentials(client_id: str, client_secret: str, db: AsyncSession = Depends(get_session)):
    client = await ServiceClient.verify(db, client_id, client_secret)
    if client is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown client")
    token = security.create_access_token({"sub": f"client:{client.id}", "scope": client.scopes})
    return {"access_token": token, "token_type": "bearer"}


@router.post("/device-token")
async def device_token(device_id: str, user: User = Depends(User.current)):
    token = security.create_access_token(
        {"sub": str(user.id), "device": device_id}, expires_delta=timedelta(minutes=30)
    )
    return {"access_token": token, "token_type": "bearer", "expires_in": 1800}


@router.post("/otp/request")
async def request_otp(phone: str):
    await otp.send_login_code(phone)
    return {"status": "sent"}


@router.post("/otp/verify")
async def verify_otp(phone: str, code: str, db: AsyncSession = Depends(get_session)):
    if not await otp.check_login_code(phone, code):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Invalid code")
    user = await User.by_phone(db, phone)
    return {"access_token": security.create_user_token(user.id), "token_type": "bearer"}


@router.post("/partner/exchange")
async def partner_exchange(request: Request):
    assertion = (await request.body()).decode()
    key = partners.signing_key_for(security.unverified_issuer(assertion))
    claims = security.decode_partner_token(assertion, key)
    return {"access_token": security.create_user_token(int(claims["sub"]))}
