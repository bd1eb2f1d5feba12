import random
from datetime import timedelta

import jwt
import pytest

from app.core import security


@pytest.fixture
def settings(monkeypatch):
    monkeypatch.setenv("LEDGER_JWT_SECRET", "t" * 40)
    monkeypatch.setenv("LEDGER_DATABASE_URL", "sqlite+aiosqlite://")
    security.get_settings.cache_clear()
    yield security.get_settings()
    security.get_settings.cache_clear()


def test_user_token_round_trip(settings):
    user_id = random.randint(1, 10_000)
    token = security.create_user_token(user_id)
    assert security.decode_token(token)["sub"] == str(user_id)


def test_expired_token_is_rejected(settings):
    token = security.create_access_token({"sub": "1"}, expires_delta=timedelta(seconds=-5))
    with pytest.raises(jwt.ExpiredSignatureError):
        security.decode_token(token)


def test_tampered_token_is_rejected(settings):
    token = security.create_user_token(7)
    head, body, sig = token.split(".")
    flipped = "".join(random.sample(sig, len(sig)))
    with pytest.raises(jwt.InvalidSignatureError):
        security.decode_token(f"{head}.{body}.{flipped}")
