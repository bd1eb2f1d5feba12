"""TW305 token-stored-without-ttl."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import fired, scan_snippet, through_screen
from tokenward.analysis.source import FileKind, Source
from tokenward.config import Config
from tokenward.rules.token_stored_without_ttl import RULE, _may_store
from tokenward.scanner.engine import FileTask, scan_file


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


def _found(code: str) -> list[tuple[int, int, str]]:
    findings = scan_snippet(textwrap.dedent(code).lstrip("\n"), "app/example.py", [RULE])
    return [(f.span.line, f.span.column, f.message) for f in findings if f.rule_id == RULE.id]


def test_client_imported_from_another_module_is_judged_by_its_keys() -> None:
    """The client is bound elsewhere; the Redis-style key and the value in it say a token
    record is kept forever."""
    code = """
        import secrets

        from .kv import store, settings_cache
        from .codes import KEY_FORMAT

        LOGIN_KEY = "login-code:{}"

        def _login_code():
            return secrets.token_urlsafe(24)

        def start(user):
            code = _login_code()
            store.set(LOGIN_KEY.format(code), user.id)
            store.set(f"signin:{user.email}", user.id)
            store.set(f"profile:{user.id}", user.name)
            store.set(f"hook:{user.id}", {"secret": user.hook_secret})
            store.set(f"login-code:{code}", user.id, ex=600)
            settings_cache.set(f"signin:{user.id}", code)
        """
    msg = "set() stores a token with no expiry: Redis keeps it until deleted"
    assert _found(code) == [(13, 5, msg), (14, 5, msg)]


def test_module_dict_never_purged() -> None:
    code = """
        import secrets

        PENDING: dict[str, int] = {}
        SWEPT = {}
        LABELS = {}

        def invite(user):
            token = secrets.token_urlsafe(32)
            PENDING[token] = user.id
            SWEPT[token] = user.id
            LABELS[user.name] = user.id

        def sweep(token):
            SWEPT.pop(token, None)
        """
    assert _found(code) == [(9, 5, "PENDING[...] stores a token with no expiry: nothing ever "
                                   "removes it from this module-level dict")]


def test_flask_app_cache_bound_elsewhere() -> None:
    code = """
        from flask import request

        from .extensions import cache

        def magic(user, token):
            cache.set(f"magic:{token}", user.id, timeout=0)
            cache.set(f"page:{request.path}", "<html>", timeout=0)
        """
    assert _found(code) == [(6, 5, "cache.set() stores a token with no expiry: timeout=0 keeps "
                                   "it forever")]


# Every write of this file fails a test the rule puts first: a TTL given (``ex=60``, a
# third argument, a cache timeout that expires), a method that never writes (``add`` on a
# plain name), a dict that is local, not module-level.
_SCREENED_OUT = """
import redis

r = redis.Redis()

def save(user, token):
    seen = {}
    seen[token] = user
    r.set(f"reset:{token}", user.id, ex=60)
    r.set(f"otp:{token}", user.id, 60)
    cache.set(f"user:{user.id}", token, 300)
    tokens.add(token)
"""


def test_a_file_whose_writes_cannot_fire_is_not_parsed_for_tw305() -> None:
    result = scan_file(FileTask("app/store.py", _SCREENED_OUT.encode()), Config(), [RULE])
    assert (result.findings, result.parsed) == ((), False)


def test_the_screen_lets_each_loosened_test_through() -> None:
    # One line added to the file above makes each branch of the screen let it through, and
    # the rule then reports that line (line 13, column 5).
    for added, message in (
        ('    r.set(f"session:{token}", user.id, ex=None)',
         "set() stores a token with no expiry: Redis keeps it until deleted"),
        ('    r.hset("sessions", token, user.id)',
         "hset() stores a token with no expiry: Redis keeps it until deleted"),
    ):
        code = _SCREENED_OUT + added + "\n"
        result = scan_file(FileTask("app/store.py", code.encode()), Config(), [RULE])
        assert [(f.span.line, f.span.column, f.message) for f in result.findings] == [
            (13, 5, message)]
        assert result.parsed
    pending = "PENDING = {}\n" + _SCREENED_OUT + "    PENDING[token] = user.id\n"
    assert lines(pending) == [14]


def test_a_module_dict_filled_only_outside_functions_is_not_parsed_for_tw305() -> None:
    # The screen sees PENDING bound to {} outside every function and filled only there (a
    # table built at import), and a local ``seen`` filled in a function: no store.
    code = "PENDING = {}\nPENDING['a'] = 1\n" + _SCREENED_OUT
    result = scan_file(FileTask("app/store.py", code.encode()), Config(), [RULE])
    assert (result.findings, result.parsed) == ((), False)


def test_a_write_whose_key_and_value_name_no_token_is_not_parsed_for_tw305() -> None:
    # Home Assistant's shapes: a context variable set (line 7), an entity's `set` of a
    # state pair (line 8), a module-level cache keyed by a site id (line 9). Each passes
    # the screen's write test, but no key or value names a token, is built from one, or
    # is bound to a built one: the libcst tree stays unbuilt.
    code = ("from contextvars import ContextVar\n"                                 # 1
            "current_entry = ContextVar('current_entry')\n"                        # 2
            "SITE_CACHE = {}\n"                                                     # 3
            "class Entity:\n"                                                       # 4
            "    def update(self, site_id, site):\n"                               # 5
            "        token = self.hass.data\n"                                      # 6
            "        current_entry.set(self)\n"                                     # 7
            "        self.set(('climate_state_is_climate_on', True))\n"             # 8
            "        SITE_CACHE[site_id] = site\n")                                 # 9
    assert through_screen(RULE, code, "app/entity.py") == ([], False)


def test_a_write_on_a_receiver_no_client_can_be_is_not_parsed_for_tw305() -> None:
    # Home Assistant's template helper and Django's cache backend: a context variable bound
    # in the file (line 6) and ``self`` (line 9) are written with keys built by calls, in a
    # text that names memcache (line 1). Neither receiver is imported nor assigned a
    # memcache client: the libcst tree stays unbuilt.
    code = ("# Backends for memcache subclass this.\n"                                 # 1
            "from contextvars import ContextVar\n"                                     # 2
            "_render_info = ContextVar('_render_info', default=None)\n"                # 3
            "def render(template, token):\n"                                           # 4
            "    render_info = RenderInfo(template, token)\n"                          # 5
            "    _render_info.set(render_info)\n"                                      # 6
            "class BaseCache:\n"                                                       # 7
            "    def incr(self, key, token):\n"                                        # 8
            "        self.set(self.make_key(key), token)\n")                           # 9
    assert through_screen(RULE, code, "app/template.py") == ([], False)
    # A write on a client the file binds (line 13) or imports, under a name bound to a
    # namespaced key (line 16), is judged, and reported.
    clients = code + ("import pymemcache\n"                                             # 10
                      "mc = pymemcache.Client(('localhost', 11211))\n"                  # 11
                      "def keep(key, token):\n"                                        # 12
                      "    mc.set(key, token)\n"                                       # 13
                      "from .kv import store\n"                                        # 14
                      "def start(user):\n"                                             # 15
                      "    key = f'signin:{user.email}'\n"                             # 16
                      "    store.set(key, user.id)\n")                                 # 17
    assert lines(clients, "app/template.py") == [13, 17]


def test_a_key_built_elsewhere_is_still_judged_by_the_rule() -> None:
    # The key of an `mset` mapping is a name bound to an interpolation of a generated code
    # (lines 5-7): the screen cannot tell what the name holds, the rule reports the write.
    code = ("import secrets\n"                                                      # 1
            "import redis\n"                                                        # 2
            "r = redis.Redis()\n"                                                   # 3
            "def start(user):\n"                                                    # 4
            "    code = secrets.token_urlsafe(24)\n"                                # 5
            "    key = f'signin:{code}'\n"                                          # 6
            "    r.mset({key: user.id})\n")                                         # 7
    assert _found(code) == [
        (7, 5, "mset() stores a token with no expiry: Redis keeps it until deleted")]


def test_a_file_spelling_no_write_and_no_item_is_not_read_by_ast() -> None:
    # Home Assistant's platforms: a `{}` and a token's name (the rule's keywords), but no
    # write method called and no item assigned: the text test answers before any tree.
    code = "ATTRS = {}\ndef attrs(token):\n    return ATTRS.get(token, {})\n"
    source = Source("app/sensor.py", code, FileKind.PYTHON, Config())
    assert RULE.wants(source.lowered)
    assert not _may_store(source)
    assert "_python_tree" not in source.__dict__


def test_an_item_assigned_into_no_name_bound_to_an_empty_dict_is_not_read_by_ast() -> None:
    # Home Assistant's integrations: a local dict, and items assigned into other names
    # (an attribute's dict, a result): no name is both, so no tree is parsed.
    code = ("def setup(self, token):\n    data = {}\n    self._data[token] = data\n"
            "    result = dict(token=token)\n    result['token'] = token\n")
    source = Source("app/sensor.py", code, FileKind.PYTHON, Config())
    assert RULE.wants(source.lowered)
    assert not _may_store(source)
    assert "_python_tree" not in source.__dict__


_WRITER = "import redis\nr = redis.Redis()\ndef save(user, token):\n"
_FILLER = "import secrets\ndef invite(user):\n    token = secrets.token_urlsafe(32)\n"


@pytest.mark.parametrize(("code", "line"), [
    (_WRITER + '    (r.set)(f"session:{token}", user.id)\n', 4),
    (_WRITER + '    r.\\\n        set(f"session:{token}", user.id)\n', 4),
    (_WRITER + '    r.hset(  # the sessions\n        "sessions", token, user.id)\n', 4),
    ("PENDING = (  # filled by invite\n    {})\n" + _FILLER + "    (PENDING[token]) = 1\n", 6),
    ("PENDING = collections.OrderedDict()\n" + _FILLER + "    PENDING[token] = 1\n", 5),
    ("PENDING = SEEN = {}\n" + _FILLER + "    SEEN[token] = 1\n", 5),
    ("PENDING: dict[str, int] = dict()\n" + _FILLER + "    PENDING [token] = 1\n", 5),
])
def test_writes_and_items_spelled_as_python_allows_pass_the_text_test(code: str,
                                                                      line: int) -> None:
    # Parentheses, a continued line and comments between a write's parts; an empty dict
    # bound inside parentheses or made by a dotted call, its item assigned in parentheses.
    findings, parsed = through_screen(RULE, code, "app/store.py")
    assert ([f[0] for f in findings], parsed) == ([line], True)
