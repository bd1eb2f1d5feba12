import random
import secrets

from redis import asyncio as aioredis

from ..core.config import get_settings
from .sms import send_sms

_redis = aioredis.from_url(get_settings().redis_url, decode_responses=True)


def _login_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


async def send_login_code(phone: str) -> None:
    code = _login_code()
    await _redis.set(f"otp:login:{phone}", code, ex=get_settings().otp_ttl_seconds)
    await _redis.set(f"otp:attempts:{phone}", 0, ex=get_settings().otp_ttl_seconds)
    await send_sms(phone, f"Your Ledger sign-in code is {code}")


async def check_login_code(phone: str, code: str) -> bool:
    attempts = await _redis.incr(f"otp:attempts:{phone}")
    if attempts > 5:
        return False
    expected = await _redis.get(f"otp:login:{phone}")
    if expected is None or not secrets.compare_digest(expected, code):
        return False
    await _redis.delete(f"otp:login:{phone}", f"otp:attempts:{phone}")
    return True


async def send_withdrawal_pin(phone: str) -> str:
    pin = str(random.randint(100000, 999999))
    await _redis.set(f"otp:withdraw:{phone}", pin)
    await send_sms(phone, f"Confirm your withdrawal with {pin}")
    return pin
