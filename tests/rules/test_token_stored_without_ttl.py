"""TW305 token-stored-without-ttl."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, scan_snippet
from tokenward.rules.token_stored_without_ttl import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_redis_writes_without_ttl() -> None:
    code = """
        import redis

        r = redis.Redis.from_url("redis://localhost")

        class Store:
            def __init__(self):
                self.redis = redis.Redis()

            def save(self, user, token, refresh_token):
                self.redis.set(f"session:{user.session_id}", user.id)
                self.redis.set("tok:" + token, user.id, ex=None)
                r.hset(f"user:{user.id}", mapping={"refresh_token": refresh_token})
                r.setnx(f"otp:{user.phone}", user.otp_code)
                r.mset({f"reset:{token}": user.id})
                pipe = r.pipeline()
                pipe.set(f"csrf:{user.id}", user.csrf_token)
                pipe.execute()
        """
    assert lines(code) == [10, 11, 12, 13, 14, 16]


def test_redis_writes_with_ttl_or_not_tokens() -> None:
    code = """
        import redis

        r = redis.Redis()

        def save(user, token):
            r.set(f"reset:{token}", user.id, ex=900)
            r.set(f"reset:{token}", user.id, 900)
            r.set(f"otp:{user.id}", user.otp, px=60_000)
            r.set(f"otp:{user.id}", user.otp, keepttl=True)
            r.setex(f"token:{token}", 3600, user.id)
            r.set("config:feature_flags", "{}")
            r.set(f"user:{user.id}:token_count", 3)
            r.sadd("revoked", token)
            r.hset(f"session:{user.session_id}", "uid", user.id)
            r.expire(f"session:{user.session_id}", 3600)
            settings.set("api_token", token)
        """
    assert lines(code) == []


def test_caches() -> None:
    code = """
        from django.core.cache import cache

        def remember(user, api_token):
            cache.set(f"apitoken:{user.id}", api_token, None)
            cache.set(f"apitoken:{user.id}", api_token, timeout=None)
            cache.set(f"apitoken:{user.id}", api_token)
            cache.set(f"apitoken:{user.id}", api_token, 300)
            cache.set("page", "<html>", None)
        """
    assert lines(code) == [4, 5]


def test_flask_caching_and_memcache() -> None:
    code = """
        from flask_caching import Cache
        from pymemcache.client.base import Client

        cache = Cache()
        mc = Client(("localhost", 11211))

        def remember(user, session_token):
            cache.set(f"sess:{user.id}", session_token, timeout=0)
            cache.set(f"sess:{user.id}", session_token, timeout=None)
            mc.set(f"session_token:{user.id}", session_token)
            mc.set(f"session_token:{user.id}", session_token, expire=600)
            mc.set(f"profile:{user.id}", user.name)
        """
    assert lines(code) == [8, 10]
