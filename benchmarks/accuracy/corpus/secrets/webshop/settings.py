"""Class-based configuration objects loaded with app.config.from_object()."""
from __future__ import annotations

import os


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SECURITY_PASSWORD_HASH = "argon2"
    SECURITY_PASSWORD_SALT = os.environ["SECURITY_PASSWORD_SALT"]
    SECURITY_TOKEN_AUTHENTICATION_HEADER = "Authentication-Token"
    SECURITY_TOKEN_MAX_AGE = 3600
    MAIL_SERVER = "smtp.sendgrid.net"
    MAIL_USERNAME = "apikey"
    MAIL_PASSWORD = os.environ.get("SENDGRID_API_KEY")
    CACHE_REDIS_URL = "redis://cache.internal:6379/2"


class DevelopmentConfig(BaseConfig):
    SECRET_KEY = "dev"
    SQLALCHEMY_DATABASE_URI = "postgresql://localhost/shop_dev"
    MAIL_PASSWORD = "changeme"


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "not-a-real-secret-for-tests"
    SECURITY_PASSWORD_SALT = "test-salt"
    WTF_CSRF_ENABLED = False


class ProductionConfig(BaseConfig):
    SECRET_KEY = "757de262dbcec369913ab2a901d586c1ceb4b49799b8257ba50e7f9d4707afe8"
    SECURITY_PASSWORD_SALT = "qB3OeHfVMPbK1SvlUfBXnZKBzIrhy5Qn"
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://shop_rw:Zl1dJ9meMxbdMAS9jXwR@prod-db.internal/shop"
    CELERY_BROKER_URL = "amqp://shop:d2J8TV8iaVknMySznzEy@rabbitmq.internal:5672/shop"
    MAIL_PASSWORD = "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"
    ADMIN_PASSWORD = "jY50E@Lw95zvn_KlmcSN"
    CACHE_REDIS_URL = "rediss://:Ku3o0bk8vDppLY2myhl5bAYT@cache.prod.internal:6380/0"
