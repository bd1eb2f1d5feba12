import hashlib
import random
from datetime import timedelta

from flask import Response, request

from ..extensions import db, store
from ..models import User

COOKIE_NAME = "sf_remember"
COOKIE_MAX_AGE = timedelta(days=14)


def remember(user: User, response: Response) -> None:
    series = "%x" % random.getrandbits(96)
    store.set(f"remember:{series}", user.id)
    user.remember_digest = hashlib.sha256(series.encode()).hexdigest()
    db.session.commit()
    response.set_cookie(COOKIE_NAME, f"{user.id}:{series}", max_age=COOKIE_MAX_AGE,
                        secure=True, httponly=True, samesite="Lax")


def user_from_cookie() -> User | None:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw or ":" not in raw:
        return None
    user_id, series = raw.split(":", 1)
    if store.get(f"remember:{series}") is None:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.remember_digest != hashlib.sha256(series.encode()).hexdigest():
        return None
    return user


def forget(user: User, response: Response) -> None:
    raw = request.cookies.get(COOKIE_NAME, "")
    store.delete(f"remember:{raw.partition(':')[2]}")
    user.remember_digest = None
    db.session.commit()
    response.delete_cookie(COOKIE_NAME)
