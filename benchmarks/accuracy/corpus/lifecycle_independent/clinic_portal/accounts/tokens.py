import hashlib

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


activation_token = ActivationTokenGenerator()


def legacy_activation_code(user) -> str:
    return hashlib.sha1(f"{user.pk}-{user.email}".encode()).hexdigest()


def patient_invite_token(invitation) -> str:
    return signing.dumps({"inv": invitation.pk, "email": invitation.email}, salt="patient-invite")


def read_patient_invite(token: str) -> dict:
    return signing.loads(token, salt="patient-invite", max_age=settings.PATIENT_INVITE_MAX_AGE)


def caregiver_access_token(patient, caregiver_email: str) -> str:
    return signing.dumps({"patient": patient.pk, "caregiver": caregiver_email}, salt="caregiver")


def read_caregiver_access(token: str) -> dict:
    return signing.loads(token, salt="caregiver")


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt="newsletter-unsubscribe")


def read_unsubscribe_token(token: str) -> int:
    return signing.loads(token, salt="newsletter-unsubscribe")


def gravatar_url(email: str, size: int = 80) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=identicon"
