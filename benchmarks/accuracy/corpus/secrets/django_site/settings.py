"""Django settings for the intranet project."""
from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env(DEBUG=(bool, False))

SECRET_KEY = "django-insecure-58l(#v-z9o6)g&1%)4a52-zh^2ks705)04o@n(pp-v8n50*+65"
DEBUG = env("DEBUG")
ALLOWED_HOSTS = ["intranet.corp.example"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "intranet",
        "USER": "intranet_app",
        "PASSWORD": "R^uQ4Wqco+!2eR+@",
        "HOST": "pg-primary.corp.example",
        "PORT": "5432",
    },
    "reporting": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "reporting",
        "USER": "reporting_ro",
        "PASSWORD": os.environ.get("REPORTING_DB_PASSWORD", ""),
        "HOST": "pg-replica.corp.example",
    },
    "legacy": env.db_url("LEGACY_DATABASE_URL", default="sqlite:///legacy.sqlite3"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_RESET_TIMEOUT = 259200
CSRF_COOKIE_NAME = "csrftoken"
SESSION_COOKIE_NAME = "intranet_sessionid"
LOGIN_URL = "/accounts/login/"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "smtp.office365.com"
EMAIL_HOST_USER = "noreply@corp.example"
EMAIL_HOST_PASSWORD = "!fEwbkxoN2-sER2^0FMp"
EMAIL_USE_TLS = True

AWS_ACCESS_KEY_ID = "AKIAMJGKRH4AQGAO3435"
AWS_SECRET_ACCESS_KEY = "iToK4ESTslgcSw6yu9I+7jPdp7hg450V+AcRwkYr"
AWS_STORAGE_BUCKET_NAME = "corp-intranet-media"
AWS_S3_SIGNATURE_VERSION = "s3v4"

SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = "774722185250-7biffcrpmwgd3em5fk0vi1xdq1f1nghb.apps.googleusercontent.com"
SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = "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248466600"
SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID = "0073ad12-4db6-4747-83ed-8937a0512814"
SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY = "b354de78-da06-4be8-aa26-a51febe2e3be"
SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SECRET = env("AZUREAD_SECRET")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://:9MUFtsTjE8hdpuToOI@redis.corp.example:6379/1",
    }
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://localhost:6379/0")
SENTRY_ENVIRONMENT = "production"
