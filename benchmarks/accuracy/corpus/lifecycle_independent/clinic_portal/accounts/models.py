import random
import string
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string

INVITE_POOL = string.ascii_uppercase + string.digits


class User(AbstractUser):
    is_patient = models.BooleanField(default=False)
    is_staff_member = models.BooleanField(default=False)
    phone = models.CharField(max_length=32, blank=True)


def _invite_code() -> str:
    return "".join(random.choices(INVITE_POOL, k=10))


class InvitationManager(models.Manager):
    def create_for(self, clinic, email, invited_by):
        code = _invite_code()
        while self.filter(code=code).exists():
            code = _invite_code()
        return self.create(
            clinic=clinic,
            email=email,
            invited_by=invited_by,
            code=code,
            expires_at=timezone.now() + timedelta(days=7),
        )


class Invitation(models.Model):
    clinic = models.ForeignKey("scheduling.Clinic", on_delete=models.CASCADE)
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    code = models.CharField(max_length=16, unique=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationManager()


def _staff_token() -> str:
    return get_random_string(48)


class StaffDeviceToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    device_name = models.CharField(max_length=100)
    token = models.CharField(max_length=64, unique=True, default=_staff_token)
    expires_at = models.DateTimeField()


class KioskPairing(models.Model):
    clinic = models.ForeignKey("scheduling.Clinic", on_delete=models.CASCADE)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pairing_secret = models.CharField(max_length=32)
    paired_at = models.DateTimeField(null=True, blank=True)

    def save(self, *args, **kwargs):
        if not self.pairing_secret:
            self.pairing_secret = get_random_string(10)
        super().save(*args, **kwargs)
