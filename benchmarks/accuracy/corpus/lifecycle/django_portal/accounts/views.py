from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.redaction import mask

logger = logging.getLogger("portal.accounts")
User = get_user_model()


@api_view(["POST"])
@permission_classes([AllowAny])
def token_login(request: HttpRequest) -> JsonResponse:
    user = User.objects.get(email=request.data["email"])
    if not user.check_password(request.data["password"]):
        logger.warning("bad password for user %s", user.pk)
        return JsonResponse({"detail": "invalid credentials"}, status=401)
    refresh = RefreshToken.for_user(user)
    logger.info("login ok user=%s refresh_jti=%s", user.pk, refresh["jti"])
    return JsonResponse({"access": str(refresh.access_token), "refresh": str(refresh)})


@api_view(["POST"])
def impersonate(request: HttpRequest, user_id: int) -> JsonResponse:
    if not request.user.is_superuser:
        return JsonResponse({"detail": "forbidden"}, status=403)
    target = User.objects.get(pk=user_id)
    access = str(RefreshToken.for_user(target).access_token)
    logger.warning("impersonation by %s as %s with token %s", request.user.pk, target.pk, access)
    return JsonResponse({"access": access})


@api_view(["POST"])
def store_push_token(request: HttpRequest) -> JsonResponse:
    device_token = request.data["device_token"]
    cache.set(f"push:{request.user.pk}", device_token, 60 * 60 * 24)
    logger.info("push token registered: %s", mask(device_token))
    return JsonResponse({"ok": True})


@api_view(["GET"])
def debug_headers(request: HttpRequest) -> JsonResponse:
    auth = request.headers.get("Authorization", "")
    print("auth header:", auth)
    print("auth scheme:", auth.split(" ", 1)[0])
    return JsonResponse({"scheme": auth.split(" ", 1)[0]})
