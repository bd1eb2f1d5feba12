"""Password reset and email confirmation for the storefront."""
from __future__ import annotations

import logging
import random

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from shop.mail import send_mail
from shop.models import User

log = logging.getLogger(__name__)

RESET_MAX_AGE = 60 * 30


def _reset_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def send_reset_email(user: User) -> None:
    token = _reset_serializer().dumps({"uid": user.id})
    link = url_for("auth.reset_password", token=token, _external=True)
    log.info("password reset link for %s: %s", user.email, link)
    send_mail(user.email, "Reset your password", f"Follow this link: {link}")
    log.info("password reset mail queued for user_id=%s", user.id)


def load_reset_token(token: str) -> int | None:
    try:
        data = _reset_serializer().loads(token)
    except BadSignature:
        return None
    return int(data["uid"])


def send_confirmation(user: User) -> None:
    token = _confirm_serializer().dumps(user.email)
    send_mail(user.email, "Confirm your address", url_for("auth.confirm", token=token, _external=True))


def confirm_email(token: str) -> str | None:
    try:
        return _confirm_serializer().loads(token, max_age=RESET_MAX_AGE)
    except SignatureExpired:
        log.warning("confirmation token expired")
        return None
    except BadSignature:
        return None


def confirm_email_legacy(token: str) -> str | None:
    try:
        return _confirm_serializer().loads(token)
    except BadSignature:
        return None


def sms_reset_code() -> str:
    return f"{random.randint(0, 999999):06d}"


def pick_mail_template() -> str:
    return random.choice(["reset_a.html", "reset_b.html"])
