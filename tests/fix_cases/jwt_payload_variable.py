"""Tokens."""
from __future__ import annotations

import jwt
from datetime import datetime


def issue(user, key):
    claims = {"sub": user.id}
    claims = {
        "sub": user.id,
        "name": user.name,  # shown in the UI
        "iat": datetime.now(),
    }
    return jwt.encode(claims, key, algorithm="HS256")
# output
"""Tokens."""
from __future__ import annotations

import jwt
from datetime import datetime, timedelta, timezone


def issue(user, key):
    claims = {"sub": user.id}
    claims = {
        "sub": user.id,
        "name": user.name,  # shown in the UI
        "iat": datetime.now(),
        "exp": datetime.now(timezone.utc) + timedelta(minutes=15),
    }
    return jwt.encode(claims, key, algorithm="HS256")
