import os
from datetime import timedelta

SECRET_KEY = os.environ["PARTNER_HUB_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["partners.clinic.example"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "oauth2_provider",
    "integrations",
]

SESSION_COOKIE_AGE = 60 * 60 * 24 * 365 * 5
SESSION_SAVE_EVERY_REQUEST = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
}

OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 365,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 14,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "SCOPES": {"orders:read": "Read orders", "orders:write": "Create orders"},
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(days=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=365),
    "SIGNING_KEY": os.environ["PARTNER_HUB_JWT_KEY"],
    "ALGORITHM": "HS512",
}

INTEGRATION_KEY_ROTATION_DAYS = 90
