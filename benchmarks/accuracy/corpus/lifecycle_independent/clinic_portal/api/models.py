import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models


class LabIntegrationKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    @classmethod
    def issue(cls, owner, name, expires_at=None):
        raw = secrets.token_urlsafe(32)
        prefix = raw[:8]
        key = cls.objects.create(
            owner=owner,
            name=name,
            prefix=prefix,
            key_hash=hashlib.sha256(raw.encode()).hexdigest(),
            expires_at=expires_at,
        )
        return key, f"{prefix}.{raw}"
