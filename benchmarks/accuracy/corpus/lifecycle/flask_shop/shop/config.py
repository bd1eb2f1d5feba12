import os
from datetime import timedelta


class BaseConfig:
    SECRET_KEY = os.environ["SHOP_SECRET_KEY"]
    JWT_SECRET_KEY = os.environ["SHOP_JWT_SECRET"]
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    PAYMENTS_API = "https://payments.example.com/v1"
    INVENTORY_API = "http://localhost:8081"


class DevelopmentConfig(BaseConfig):
    DEBUG = True
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=60)


class KioskConfig(BaseConfig):
    JWT_ACCESS_TOKEN_EXPIRES = False
    PERMANENT_SESSION_LIFETIME = timedelta(days=3650)


class PartnerConfig(BaseConfig):
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(days=7)
    JWT_REFRESH_TOKEN_EXPIRES = False


config_by_name = {
    "development": DevelopmentConfig,
    "kiosk": KioskConfig,
    "partner": PartnerConfig,
}
