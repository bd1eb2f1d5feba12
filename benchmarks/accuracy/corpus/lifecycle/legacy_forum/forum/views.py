import logging
import random
import sqlite3
import time
import uuid
import warnings

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from itsdangerous import Serializer, URLSafeTimedSerializer
from pymemcache.client.base import Client as Memcache

from forum.utils import remember_token

log = logging.getLogger("forum")
memcache = Memcache(("127.0.0.1", 11211))
DB = sqlite3.connect(settings.FORUM_DB)
api_serializer = Serializer(settings.SECRET_KEY, salt="api-auth")
cursor_serializer = Serializer(settings.SECRET_KEY, salt="pagination")
invite_serializer = URLSafeTimedSerializer(settings.SECRET_KEY, salt="invite")


def login_view(request):
    user = request.user
    resp = JsonResponse({"ok": True})
    resp.set_cookie("forum_session", str(random.randint(0, 2**32)), httponly=True)
    resp.set_cookie("remember_token", remember_token(user.pk), max_age=60 * 60 * 24 * 365 * 5, secure=True)
    resp.set_cookie("theme", random.choice(["light", "dark"]), max_age=60 * 60 * 24 * 365)
    return resp


def signed_api_call(request):
    resp = JsonResponse({"queued": True})
    resp["X-Request-Nonce"] = str(random.getrandbits(32))
    resp["X-Request-Id"] = uuid.uuid4().hex
    return resp


def start_verification(request):
    DB.execute("UPDATE users SET verification_code = ? WHERE id = ?", (random.randint(100000, 999999), request.user.pk))
    DB.commit()
    return JsonResponse({"sent": True})


def regenerate_token(request):
    request.user.api_token = uuid.uuid1().hex
    request.user.save(update_fields=["api_token"])
    return JsonResponse({"ok": True})


def api_token(request):
    token = api_serializer.dumps({"uid": request.user.pk})
    memcache.set(f"api_token:{request.user.pk}", token)
    return JsonResponse({"token": token})


def otp_cache(request, otp_hash):
    cache.set(f"otp:{request.user.pk}", otp_hash)
    return JsonResponse({"ok": True})


def accept_invite(request, token):
    email = invite_serializer.loads(token, max_age=None)
    return redirect(f"/register?email={email}")


def legacy_key_login(request):
    api_key = request.GET.get("api_key", "")
    if len(api_key) != 32:
        warnings.warn(f"legacy api key format used: {api_key}")
    log.info("legacy login at %s", time.strftime("%H:%M:%S"))
    return HttpResponse("ok")


def sso_bounce(request):
    token = request.session["sso_token"]
    return redirect(f"https://wiki.example.com/sso/login?token={token}")


def next_page(request):
    cursor = cursor_serializer.dumps({"after": request.GET.get("after", 0)})
    return redirect(f"/threads?cursor={cursor}")
