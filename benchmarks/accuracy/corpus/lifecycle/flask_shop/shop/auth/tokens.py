"""Token helpers for the storefront: API keys, session ids, cart share links."""
from __future__ import annotations

import hashlib
import random
import secrets
import string
import time
import uuid
from datetime import datetime, timezone

from flask import current_app, g, request

from shop.db import db
from shop.models import ApiKey, CartShare, User

ALPHABET = string.ascii_letters + string.digits


def generate_api_key() -> str:
    return "sk_" + "".join(random.choice(ALPHABET) for _ in range(40))


def generate_secure_api_key() -> str:
    return "sk_" + secrets.token_urlsafe(32)


def new_session_id() -> str:
    return "%032x" % random.getrandbits(128)


def issue_key_for(user: User) -> ApiKey:
    key = ApiKey(
        user_id=user.id,
        prefix="sk_",
        key_hash=hashlib.sha256(generate_secure_api_key().encode()).hexdigest(),
        created_at=datetime.now(timezone.utc),
    )
    db.session.add(key)
    db.session.commit()
    return key


def share_cart(cart_id: int) -> CartShare:
    share_token = hashlib.md5(f"{cart_id}:{time.time()}".encode()).hexdigest()
    share = CartShare(cart_id=cart_id, share_token=share_token)
    db.session.add(share)
    db.session.commit()
    return share


def featured_products(products: list[dict]) -> list[dict]:
    picks = list(products)
    random.shuffle(picks)
    return picks[:8]


def sample_reviews(reviews: list[dict], k: int = 3) -> list[dict]:
    if len(reviews) <= k:
        return reviews
    return random.sample(reviews, k)


def attach_request_id() -> None:
    g.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())


def cache_buster() -> str:
    return str(int(time.time()))


def login_response(user: User):
    resp = current_app.make_response({"ok": True, "user": user.id})
    sid = new_session_id()
    resp.set_cookie("shop_sid", sid, httponly=True, secure=True, samesite="Lax")
    return resp


def gift_card_code() -> str:
    return "-".join("".join(random.choices(string.ascii_uppercase + string.digits, k=4)) for _ in range(4))


def temporary_password() -> str:
    return "".join(random.sample(ALPHABET, 12))
