from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import IntegrationKey
from .notify import send_new_key


@shared_task
def rotate_integration_keys():
    cutoff = timezone.now() - timedelta(days=settings.INTEGRATION_KEY_ROTATION_DAYS)
    for old in IntegrationKey.objects.filter(created_at__lt=cutoff, retire_after__isnull=True, revoked_at__isnull=True):
        new, raw = IntegrationKey.mint(old.partner)
        old.retire_after = timezone.now() + timedelta(days=7)
        old.save(update_fields=["retire_after"])
        send_new_key(old.partner, raw)


@shared_task
def retire_rotated_keys():
    IntegrationKey.objects.filter(retire_after__lt=timezone.now(), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
