"""Account management views and the model manager."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordResetView
from django.core.mail import get_connection
from django.utils.translation import gettext_lazy as _


class CorpPasswordResetView(PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = "/accounts/password/reset/done/"
    extra_context = {"title": _("Forgot your password?")}


def send_with_backup_relay(message: object) -> None:
    connection = get_connection(
        host="relay2.corp.example",
        username="relay-intranet",
        password="EGHzX-Ld7?Qm+TA109Px",
        use_tls=True,
    )
    connection.send_messages([message])


def send_with_primary_relay(message: object) -> None:
    connection = get_connection(password=settings.EMAIL_HOST_PASSWORD)
    connection.send_messages([message])


def create_service_account() -> object:
    User = get_user_model()
    return User.objects.create_user("svc-reports", "svc@corp.example", password="04VjC0TYEdNIiDk*AnQ-")


def create_placeholder_user() -> object:
    User = get_user_model()
    return User.objects.create_user("newhire", password=None)
