import hashlib
import secrets

from django.db import models


class IntegrationKey(models.Model):
    """Server-to-server key for a partner's order system.

    Integration keys carry no expiry of their own: partners cannot take a
    scheduled outage to swap keys. Instead every key is rotated by
    ``rotate_integration_keys`` once it is older than
    ``settings.INTEGRATION_KEY_ROTATION_DAYS`` (the old key keeps working for
    a 7-day overlap), and a partner admin can revoke a key at any time.
    """

    partner = models.ForeignKey("integrations.Partner", on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retire_after = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def mint(cls, partner):
        raw = "phk_" + secrets.token_urlsafe(40)
        key = cls.objects.create(partner=partner, key_hash=hashlib.sha256(raw.encode()).hexdigest())
        return key, raw


class Partner(models.Model):
    name = models.CharField(max_length=120)
    webhook_url = models.URLField()
    webhook_secret = models.CharField(max_length=80)
