from datetime import timedelta

from .base import *  # noqa: F401,F403
from .base import SIMPLE_JWT, env

DEBUG = False

SIMPLE_JWT = {
    **SIMPLE_JWT,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "SIGNING_KEY": env("JWT_SIGNING_KEY"),
}

PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
SESSION_COOKIE_AGE = 60 * 60 * 24 * 365 * 10
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_SSL_REDIRECT = True
CSRF_TRUSTED_ORIGINS = ["https://portal.example.com"]
