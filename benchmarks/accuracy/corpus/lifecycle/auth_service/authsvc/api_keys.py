"""API keys and personal tokens for the developer console."""
from __future__ import annotations

import base64
import hashlib
import itertools
import os
import random
import secrets
import string
import time
import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import insert

from authsvc.db import engine
from authsvc.tables import api_keys, password_resets, personal_tokens, sessions

_sysrand = random.SystemRandom()
_session_counter = itertools.count(1000)
KEY_ALPHABET = string.ascii_letters + string.digits


def make_console_key() -> str:
    body = "".join(_sysrand.choice(KEY_ALPHABET) for _ in range(40))
    return f"tw_live_{body}"


def make_test_key() -> str:
    body = "".join(random.choices(KEY_ALPHABET, k=32))
    return f"tw_test_{body}"


def store_personal_token(user_id: int, name: str) -> str:
    token = base64.urlsafe_b64encode(np.random.bytes(32)).decode()
    with engine.begin() as conn:
        conn.execute(insert(personal_tokens).values(user_id=user_id, name=name, token_hash=hashlib.sha256(token.encode()).hexdigest(), expires_at=datetime.now(timezone.utc) + timedelta(days=30)))
    return token


def open_session(user_id: int) -> str:
    session_id = f"s{next(_session_counter)}-{user_id}"
    with engine.begin() as conn:
        conn.execute(insert(sessions).values(id=session_id, user_id=user_id))
    return session_id


def start_password_reset(user_id: int) -> str:
    reset_token = str(int(time.time() * 1000))
    with engine.begin() as conn:
        conn.execute(insert(password_resets).values(user_id=user_id, token=reset_token))
    return reset_token


def rotate_signing_secret() -> bytes:
    return secrets.token_bytes(32)


def webhook_secret() -> str:
    return secrets.token_urlsafe(12)


def key_record(owner: str) -> dict:
    key = make_console_key()
    return {
        "owner": owner,
        "prefix": key[:12],
        "hash": hashlib.sha256(key.encode()).hexdigest(),
        "created": time.time(),
    }


def insert_key(owner: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(api_keys).values(**key_record(owner)))


def sample_key_ids(ids: list[int]) -> list[int]:
    return random.sample(ids, min(5, len(ids)))


def legacy_nonce() -> str:
    return hex(random.randrange(1 << 64))[2:]


def oauth_state() -> str:
    return str(random.randint(0, 10**12))


def new_client_secret() -> str:
    return uuid.uuid1().hex + uuid.uuid1().hex


def invite_token() -> str:
    return "".join(np.random.choice(list(KEY_ALPHABET), 32))
