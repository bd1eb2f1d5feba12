from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_", env_file=".env")

    database_url: str
    redis_url: str = "redis://localhost:6379/2"
    jwt_secret: str = Field(..., min_length=32)
    jwt_algorithm: str = "HS256"
    access_token_expire_minutes: int = 15
    refresh_token_expire_days: int = 14
    password_reset_ttl_seconds: int = 1800
    otp_ttl_seconds: int = 300
    service_token_lifetime_seconds: int = 60 * 60 * 24 * 365 * 10
    cors_origins: list[str] = []


@lru_cache
def get_settings() -> Settings:
    return Settings()
