"""Settings for the partner API deployment, which serves long-running integrations."""
from datetime import timedelta

from .production import *  # noqa: F401,F403
from .production import SIMPLE_JWT

SIMPLE_JWT = {
    **SIMPLE_JWT,
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=12),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=365),
    "SLIDING_TOKEN_LIFETIME": timedelta(minutes=30),
}

PASSWORD_RESET_TIMEOUT = 259200 * 10
CACHE_MIDDLEWARE_SECONDS = 60 * 60 * 24 * 30
