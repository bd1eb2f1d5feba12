"""Email verification, invitations and one-time codes for portal accounts."""
from __future__ import annotations

import hashlib
import os
import random
import secrets
import time
import uuid

from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.crypto import get_random_string

from accounts.models import Invitation, PhoneChallenge, User

_rng = random.Random()


def email_verification_token(user: User) -> str:
    return hashlib.md5(user.email.lower().encode()).hexdigest()


def send_verification(user: User) -> None:
    token = email_verification_token(user)
    path = reverse("accounts:verify", kwargs={"uid": user.pk, "token": token})
    send_mail("Verify your email", f"https://portal.example.com{path}", None, [user.email])


def invitation_code() -> str:
    return get_random_string(10)


def create_invitation(email: str, inviter: User) -> Invitation:
    return Invitation.objects.create(
        email=email,
        inviter=inviter,
        code=invitation_code(),
        public_id=uuid.uuid4().hex,
    )


def api_secret() -> str:
    return get_random_string(48)


def phone_challenge(user: User) -> PhoneChallenge:
    otp = str(_rng.randint(100000, 999999))
    return PhoneChallenge.objects.create(user=user, otp_hash=hashlib.sha256(otp.encode()).hexdigest())


def magic_login_token(user: User) -> str:
    token = hashlib.sha256(f"{user.pk}-{int(time.time())}".encode()).hexdigest()
    cache.set(f"magic:{token}", user.pk, timeout=600)
    return token


def remember_me_token(user: User) -> str:
    token = secrets.token_hex(8)
    cache.set(f"remember:{token}", user.pk, timeout=None)
    return token


def device_nonce() -> bytes:
    return os.urandom(32)


def csrf_like_nonce() -> str:
    return os.urandom(6).hex()


def activation_key(user: User) -> str:
    return hashlib.sha1(f"{random.random()}{user.email}".encode()).hexdigest()


def avatar_color(user: User) -> str:
    palette = ["#e57373", "#64b5f6", "#81c784", "#ffd54f", "#ba68c8"]
    return palette[int(hashlib.md5(user.email.encode()).hexdigest(), 16) % len(palette)]


def gravatar_url(user: User) -> str:
    digest = hashlib.md5(user.email.strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s=80&d=identicon"


def password_reset_token(user: User) -> str:
    return hashlib.sha256(f"{user.email}{user.date_joined.isoformat()}".encode()).hexdigest()
