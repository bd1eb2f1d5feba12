"""Settings for the orders API, read from the environment by pydantic."""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="ORDERS_")

    database_url: str = "postgresql+asyncpg://orders:OippQKoHCxa3p3cA@orders-db:5432/orders"
    redis_url: str = "redis://localhost:6379/0"
    jwt_secret: SecretStr = SecretStr("Kk8BZ56J256px-5Oj8n6IzQJeB6BAZ-bdLfK3Q-WSNVFlMuWkppr7TVN5fYYmydK")
    jwt_algorithm: str = "HS256"
    access_token_expire_minutes: int = 30
    openai_api_key: str = "sk-proj-f0mGEymDJxDplXAIbsi1QVRRmrl03EP7LiSBLGFbT3BlbkFJjjpzvz3c9c03fYX67JkJ"
    sentry_dsn: str | None = None
    api_key_header: str = "X-API-Key"
    admin_password: SecretStr = Field(..., alias="ADMIN_PASSWORD")
    stripe_secret_key: SecretStr = Field(default=SecretStr(""), alias="STRIPE_SECRET_KEY")
    github_token: str = Field(default="<your-github-token>")
    slack_signing_secret: str = "ae7ba2bb61bec6ff1a454dcd0f53cb43"
    oauth_client_id: str = "orders-api"
    oauth_client_secret: str = "ZglIrmMzQiOScAfrjmR-XpG9UiNAAi5R1bOH4fyefzM"
    password_hash_scheme: str = "bcrypt"


@lru_cache
def get_settings() -> Settings:
    return Settings()
