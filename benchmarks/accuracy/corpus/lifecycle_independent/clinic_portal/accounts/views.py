import secrets
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model, login
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.http import require_POST

from .models import StaffDeviceToken
from .tokens import activation_token

User = get_user_model()

VERIFY_PREFIX = "email-verify:"
SMS_PREFIX = "sms-verify:"


@require_POST
def resend_verification(request):
    user = request.user
    token = get_random_string(40)
    cache.set(f"{VERIFY_PREFIX}{token}", user.pk, timeout=None)
    link = request.build_absolute_uri(reverse("accounts:verify-email", args=[token]))
    send_mail("Verify your email", f"Open {link} to verify your address.", None, [user.email])
    return render(request, "accounts/verification_sent.html")


def verify_email(request, token):
    user_pk = cache.get(f"{VERIFY_PREFIX}{token}")
    if user_pk is None:
        raise Http404
    cache.delete(f"{VERIFY_PREFIX}{token}")
    User.objects.filter(pk=user_pk).update(email_verified=True)
    return HttpResponseRedirect(reverse("portal:home"))


@require_POST
def send_phone_code(request):
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(f"{SMS_PREFIX}{request.user.pk}", code, timeout=10 * 60)
    request.user.send_sms(f"Clinic portal code: {code}")
    return render(request, "accounts/phone_code_sent.html")


def activate(request, uidb64, token):
    user = get_object_or_404(User, pk=int(uidb64))
    if not activation_token.check_token(user, token):
        raise Http404
    user.is_active = True
    user.save(update_fields=["is_active"])
    login(request, user)
    return HttpResponseRedirect(reverse("portal:home"))


@require_POST
def register_device(request):
    device = StaffDeviceToken.objects.create(
        user=request.user,
        device_name=request.POST["device_name"][:100],
        expires_at=timezone.now() + timedelta(days=30),
    )
    request.session["device_ref"] = str(uuid.uuid4())
    return render(request, "accounts/device_registered.html", {"token": device.token})


def clinic_stats(request, clinic_id):
    stats = cache.get(f"clinic-stats:{clinic_id}")
    if stats is None:
        stats = request.user.clinic_set.get(pk=clinic_id).compute_stats()
        cache.set(f"clinic-stats:{clinic_id}", stats, timeout=None)
    return render(request, "accounts/stats.html", {"stats": stats})
