import os
from datetime import timedelta


class BaseConfig:
    SECRET_KEY = os.environ["SHOPFRONT_SECRET_KEY"]
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///shopfront.db")
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    CACHE_TYPE = "RedisCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/1")
    CACHE_DEFAULT_TIMEOUT = 300

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=365)

    REMEMBER_COOKIE_NAME = "shopfront_remember"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_SECURE = True

    SECURITY_PASSWORD_SALT = os.environ["SHOPFRONT_PASSWORD_SALT"]
    RESET_LINK_MAX_AGE = 60 * 60
    CONFIRM_LINK_MAX_AGE = 60 * 60 * 24

    MAIL_DEFAULT_SENDER = "orders@shopfront.example"
    ITEMS_PER_PAGE = 24


class MerchantApiConfig(BaseConfig):
    JWT_SECRET_KEY = os.environ["SHOPFRONT_JWT_KEY"]
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_ACCESS_TOKEN_EXPIRES = False
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=14)


class TestConfig(BaseConfig):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
