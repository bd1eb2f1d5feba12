import hashlib
import random
import time
from datetime import datetime, timedelta, timezone

from .celery_app import app, kv
from .mailer import send_template

PENDING_EMAIL_CHANGES: dict[str, int] = {}
PENDING_PHONE_CHANGES: dict[str, tuple[int, float]] = {}
PHONE_CHANGE_TTL = 600


def _digits(n: int) -> str:
    return "".join(str(random.randint(0, 9)) for _ in range(n))


@app.task
def send_email_change_confirmation(user_id: int, new_email: str) -> None:
    token = hashlib.sha256(new_email.lower().encode()).hexdigest()
    PENDING_EMAIL_CHANGES[token] = user_id
    send_template(new_email, "confirm_email_change", token=token)


@app.task
def send_phone_change_code(user_id: int, phone: str) -> None:
    _purge_phone_changes()
    code = _digits(8)
    PENDING_PHONE_CHANGES[code] = (user_id, time.monotonic() + PHONE_CHANGE_TTL)
    send_template(phone, "phone_change_code", code=code)


def _purge_phone_changes() -> None:
    now = time.monotonic()
    for code, (_, deadline) in list(PENDING_PHONE_CHANGES.items()):
        if deadline < now:
            del PENDING_PHONE_CHANGES[code]


@app.task
def send_weekly_digest(user_id: int, email: str) -> None:
    variant = random.choices(["plain", "rich"], weights=[3, 1])[0]
    sent_at = datetime.now(timezone.utc)
    kv.set(f"digest:last-sent:{user_id}", sent_at.isoformat())
    send_template(email, f"weekly_digest_{variant}", week=sent_at.isocalendar().week)


@app.task
def send_account_deletion_pin(user_id: int, email: str) -> None:
    pin = _digits(6)
    key = f"delete-pin:{user_id}"
    kv.set(key, pin)
    kv.expire(key, timedelta(minutes=10))
    send_template(email, "account_deletion_pin", pin=pin)
