from django.conf import settings
from django.db import models


class Prescription(models.Model):
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    medication = models.CharField(max_length=200)
    status_code = models.CharField(max_length=12, blank=True)
    status_code_expires_at = models.DateTimeField(null=True, blank=True)
    refill_token = models.CharField(max_length=32, blank=True)
    refill_token_expires_at = models.DateTimeField(null=True, blank=True)


class RememberedDevice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    token = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
