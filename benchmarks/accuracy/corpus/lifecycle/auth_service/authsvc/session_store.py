"""Server-side session, refresh-token and API-key caches in Redis."""
from __future__ import annotations

import json
import os
from datetime import timedelta

import redis

r = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), decode_responses=True)

SESSION_TTL = 60 * 60 * 8
REFRESH_TTL = timedelta(days=14)


def save_session(session_id: str, user_id: int) -> None:
    r.set(f"session:{session_id}", user_id, ex=SESSION_TTL)


def save_refresh_token(user_id: int, token_hash: str) -> None:
    r.setex(f"refresh:{token_hash}", REFRESH_TTL, user_id)


def save_access_token(user_id: int, token: str) -> None:
    r.set(f"token:{user_id}", token)


def remember_reset_token(user_id: int, token: str) -> None:
    r.hset("reset_tokens", str(user_id), token)


def save_oauth_tokens(account_id: str, tokens: dict) -> None:
    key = f"oauth:{account_id}"
    r.set(key, json.dumps(tokens))
    r.expire(key, int(tokens.get("expires_in", 3600)))


def cache_api_key_lookup(key_hash: str, owner: str) -> None:
    r.set(f"apikey:{key_hash}", owner, px=300_000)


def store_csrf_token(session_id: str, csrf_token: str) -> None:
    pipe = r.pipeline()
    pipe.set(f"csrf:{session_id}", csrf_token)
    pipe.sadd("csrf:sessions", session_id)
    pipe.execute()


def save_feature_flags(flags: dict[str, bool]) -> None:
    r.set("config:feature_flags", json.dumps(flags))


def bump_rate_counter(client_id: str) -> int:
    key = f"rate:{client_id}"
    count = r.incr(key)
    if count == 1:
        r.expire(key, 60)
    return count


def store_api_token(account_id: str, api_token: str) -> None:
    r.set(name=f"api_token:{account_id}", value=api_token, nx=True)


def store_invite_token(invite_token: str, email: str) -> None:
    r.set(f"invite:{invite_token}", email, keepttl=False, ex=timedelta(days=2))


def warm_device_tokens(tokens_by_device: dict[str, str]) -> None:
    r.mset({f"device_token:{device}": token for device, token in tokens_by_device.items()})
