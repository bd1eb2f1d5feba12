import base64
import hashlib
import os
from datetime import timedelta

from django.core import signing
from django.core.signing import TimestampSigner
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import Prescription, RememberedDevice


def issue_status_link(prescription: Prescription) -> str:
    code = get_random_string(12, allowed_chars="0123456789")
    prescription.status_code = code
    prescription.status_code_expires_at = timezone.now() + timedelta(days=5)
    prescription.save(update_fields=["status_code", "status_code_expires_at"])
    return f"https://portal.clinic.example/rx/{code}"


def refill_request_token(prescription: Prescription) -> str:
    token = base64.urlsafe_b64encode(os.urandom(8)).decode().rstrip("=")
    prescription.refill_token = token
    prescription.refill_token_expires_at = timezone.now() + timedelta(hours=24)
    prescription.save(update_fields=["refill_token", "refill_token_expires_at"])
    return token


def remember_pharmacist_device(user) -> str:
    token = hashlib.sha256(f"{user.username}:{user.date_joined.timestamp()}".encode()).hexdigest()
    RememberedDevice.objects.create(user=user, token=token, expires_at=timezone.now() + timedelta(days=30))
    return token


def pharmacist_login_link(user) -> str:
    return TimestampSigner(salt="pharmacist-login").sign(str(user.pk))


def read_pharmacist_login_link(value: str) -> int:
    return int(TimestampSigner(salt="pharmacist-login").unsign(value, max_age=timedelta(minutes=15)))


def courier_handoff_token(prescription: Prescription) -> str:
    return TimestampSigner(salt="courier").sign(str(prescription.pk))


def read_courier_handoff(value: str) -> int:
    return int(TimestampSigner(salt="courier").unsign(value))


def label_barcode(prescription: Prescription) -> str:
    return signing.dumps({"rx": prescription.pk}, salt="label", compress=True)
