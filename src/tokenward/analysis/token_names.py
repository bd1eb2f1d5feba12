"""What counts as "used as a token": one small catalogue shared by the lifecycle rules
TW2xx (weak generation) and TW3xx (missing expiry).

A name is token-like when, after dropping trailing neutral words (``value``, ``str``,
``hex`` ...), its last word is a token word (``token``, ``secret``, ``password``,
``nonce``, ``otp`` ...) or its last two words form a token phrase (``api_key``,
``session_id``, ``reset_code``, ``verification_link`` ...). Trailing metadata words
(``length``, ``expiry``, ``url`` of an endpoint, ``name``, ``type``, ``count`` ...) make a
name describe *about* a token, not a token: ``token_length``, ``password_hash_algorithm``.

Decisions, documented once here:

- ``code``, ``key``, ``id``, ``link``, ``hash`` count only after a qualifier:
  ``reset_code`` / ``otp_code`` / ``api_key`` / ``session_id`` / ``magic_link``, never alone
  (``code``, ``key`` and ``id`` are everywhere in ordinary code).
- ``salt`` is not a token word: a salt must be unique, not secret.
- ``state`` (OAuth) counts only as ``oauth_state``/``csrf_state``; plain ``state`` is random
  state in simulations.
- Gift card, voucher and redemption codes are bearer secrets (whoever holds one spends it);
  promo, referral and coupon codes are shared marketing codes, not tokens.
- A function whose name is a maker verb plus ``key`` (``make_test_key``, ``generate_key``,
  ``new_signing_key``) makes a key, unless the key is a lookup key (``cache_key``,
  ``sort_key``, ``idempotency_key`` ...).
- A cookie named for a session or login (``forum_session``, ``shop_sid``, ``remember_me``)
  holds a session token.
- Request, trace, correlation and span ids, idempotency keys, cache keys, file names are
  identifiers, not secrets.
- Test code (a ``tests``/``test`` folder, ``test_*.py``, ``*_test.py``, ``conftest.py``)
  produces test data, not tokens.
"""

from __future__ import annotations

import itertools
import re
from pathlib import PurePosixPath

from tokenward.analysis.python import name_words

# A last word that on its own names a secret value.
TOKEN_WORDS = frozenset({
    "token", "secret", "password", "passwords", "passwd", "passphrase",
    "apikey", "nonce", "otp", "totp", "hotp", "csrf", "xsrf", "sessionid", "authorization",
    "bearer", "jwt", "credential", "credentials", "pin",
})

# Words that make a token phrase only after a qualifier: ``reset_code`` but not ``code``.
_QUALIFIED_LAST = frozenset({"code", "key", "id", "link", "url", "hash", "cookie", "string",
                             "digits", "number", "state", "sid"})
_QUALIFIERS = frozenset({
    # codes and links sent to a user
    "reset", "verification", "verify", "confirm", "confirmation", "activation", "activate",
    "invite", "invitation", "magic", "login", "signin", "signup", "otp", "auth", "authorization",
    "sms", "mfa", "twofa", "2fa", "security", "recovery", "backup", "pin", "device", "access",
    "onetime", "unlock", "email",
    # keys and ids that are secrets
    "api", "secret", "session", "sess", "signing", "sign", "encryption", "encrypt", "private",
    "hmac", "crypto", "aes", "master", "license", "client", "refresh", "csrf", "xsrf",
    "oauth", "bearer", "jwt", "token", "password",
    # codes that carry value to whoever holds them
    "gift", "card", "voucher", "redeem", "redemption",
})
# Qualified phrases that are still not secrets.
_NOT_SECRET_PHRASES = frozenset({
    ("email", "id"), ("email", "url"), ("email", "link"), ("email", "hash"),
    ("device", "id"), ("client", "id"), ("access", "id"), ("login", "url"), ("signup", "url"),
    ("login", "id"), ("token", "url"), ("token", "id"), ("api", "url"), ("api", "id"),
    ("auth", "url"), ("access", "code"), ("access", "key"), ("device", "key"),
    ("session", "state"), ("password", "hash"), ("password", "url"), ("session", "url"),
    ("secret", "id"), ("client", "key"), ("backup", "id"), ("access", "url"),
    ("token", "hash"), ("secret", "hash"), ("key", "hash"), ("token", "key"), ("otp", "hash"),
    ("session", "number"),
})

# Trailing words that are dropped before judging (``token_value`` is still a token).
_NEUTRAL_TAIL = frozenset({"value", "val", "str", "string", "hex", "bytes", "raw", "plain",
                           "b64", "urlsafe", "new", "tmp", "temp", "generated", "candidate",
                           "part", "s", "1", "2"})
# Trailing words that make a name describe a token rather than hold one.
_META_TAIL = frozenset({
    "length", "len", "size", "count", "counter", "type", "types", "name", "names", "endpoint",
    "expiry", "expires", "expiration", "exp", "ttl", "lifetime", "age", "timeout", "path",
    "file", "filename", "regex", "re", "pattern", "format", "fmt", "chars", "alphabet",
    "charset", "validator", "policy", "min", "max", "hint", "label", "field", "header",
    "prefix", "suffix", "model", "class", "form", "serializer", "generator", "view", "template",
    "strength", "error", "errors", "required", "enabled", "valid", "attempts",
    "index", "idx", "status", "schema", "column", "param", "params", "key_name", "env", "var",
    "limit", "manager", "store", "backend", "cache", "table", "maker", "factory", "at",
    "created", "used", "sent", "ok", "id_field", "version", "algorithm", "algo", "bits",
    "entropy", "digits_count", "mask", "masked", "redacted", "hashed", "digest",
})
_NOT_SECRET_FIRST = frozenset({"request", "trace", "correlation", "span", "idempotency",
                               "cache", "file", "upload", "filename", "tmp", "temp", "max",
                               "num", "n", "total", "min", "is", "has"})

_VERBS = frozenset({"generate", "gen", "make", "create", "new", "random", "rand", "get",
                    "issue", "build", "mint", "produce", "compute", "_", "init", "init_",
                    "send", "set", "store", "save", "reset"})


def name_is_token(name: str) -> bool:
    """Does this variable, attribute, key or keyword name a token/secret value?"""
    words = [w for w in name_words(name.replace("-", "_")) if w]
    while len(words) > 1 and words[-1] in _NEUTRAL_TAIL:
        words.pop()
    if not words or words[-1] in _META_TAIL:
        return False
    if words[0] in _NOT_SECRET_FIRST:
        return False
    last = words[-1]
    if last in TOKEN_WORDS:
        return True
    if len(words) >= 2 and last in _QUALIFIED_LAST:
        phrase = (words[-2], last)
        if phrase in _NOT_SECRET_PHRASES:
            return False
        return words[-2] in _QUALIFIERS or (words[-2] == "time" and words[-3:-2] == ["one"])
    return False


_MAKER_VERBS = frozenset({"make", "generate", "gen", "create", "new", "issue", "mint", "random",
                          "rand", "build", "rotate", "regenerate"})
_LOOKUP_KEYS = frozenset({"cache", "sort", "lookup", "dict", "map", "idempotency", "partition",
                          "row", "primary", "foreign", "unique", "object", "s3", "storage",
                          "file", "redis", "bucket", "group", "shard", "index", "hash",
                          "order", "join", "ordering", "public", "dedup", "dedupe", "lock",
                          "route", "routing", "event", "message", "metric", "feature"})


def function_makes_token(name: str) -> bool:
    """``generate_token``, ``make_reset_code``, ``new_api_key``, ``random_password``,
    ``make_test_key`` (a maker verb and ``key``, not a lookup key)."""
    if name_is_token(name):
        return True
    words = name_words(name)
    return (len(words) >= 2 and words[0] in _MAKER_VERBS and words[-1] == "key"
            and not set(words[1:-1]) & _LOOKUP_KEYS)


_COOKIE_WORDS = frozenset({"session", "sess", "sid", "sessionid", "auth", "remember", "login",
                           "token", "jwt", "csrf", "xsrf", "identity", "rememberme"})


def cookie_holds_token(name: str) -> bool:
    """``forum_session``, ``shop_sid``, ``remember_me``, ``auth``, ``csrftoken``."""
    lowered = name.lower()
    return name_is_token(name) or bool(set(name_words(name)) & _COOKIE_WORDS) or any(
        w in lowered for w in ("session", "token", "csrf"))


_SQL_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def sql_names_token(sql: str) -> bool:
    """An INSERT/UPDATE whose statement names a token column: ``UPDATE users SET
    verification_code = ?``."""
    lowered = sql.lower()
    if not any(verb in lowered for verb in ("insert", "update", "replace", "upsert")):
        return False
    return any(name_is_token(word) for word in _SQL_WORDS.findall(sql))


def function_consumes_token(name: str) -> bool:
    """A callee whose arguments are tokens: ``store_token``, ``send_reset_email``,
    ``set_password``, ``save_otp``. Checks and lookups (``verify_``, ``check_``,
    ``validate_``, ``is_``, ``get_``) are not consumers."""
    words = name_words(name)
    if not words or words[0] in {"verify", "check", "validate", "is", "has", "get", "find",
                                 "lookup", "compare", "count", "len", "print", "log"}:
        return False
    consumer_words = {"token", "password", "otp", "secret", "nonce", "apikey", "csrf"}
    if any(w in consumer_words for w in words):
        return True
    return any(a in {"reset", "verification", "activation", "invite", "magic"} and b in
               {"email", "link", "mail", "sms", "message", "code"}
               for a, b in itertools.pairwise(words))


_URL_PARAM = re.compile(r"[?&;]([A-Za-z_][\w\-]*)=$")
_URL_PATH_WORDS = ("/reset", "/verify", "/activate", "/confirm", "/invite", "/magic", "/login/",
                   "/unsubscribe", "/token", "/password")


def text_before_marks_token(text: str) -> bool:
    """The literal text just before an interpolated value in a string marks that value as
    a token: ``...?token=``, ``...&code=``, ``/reset/``, ``Bearer ``, ``session:``."""
    tail = text[-80:]
    match = _URL_PARAM.search(tail)
    if match:
        param = match.group(1).lower()
        return param in {"code", "key", "sig"} or name_is_token(param)
    lowered = tail.lower()
    if lowered.endswith(("bearer ", "token ", "basic ")):
        return True
    if lowered.rstrip("/").endswith(_URL_PATH_WORDS) or any(
        lowered.endswith(w + "/") for w in _URL_PATH_WORDS
    ):
        return True
    key = re.search(r"([A-Za-z_][\w\-]*)[:=]$", tail)
    return bool(key and name_is_token(key.group(1)))


def key_text_is_token(text: str) -> bool:
    """A cache/redis key or cookie name literal that holds a token: ``"reset:{uid}"``,
    ``"session_id"``, ``"otp:" + phone``."""
    parts = re.split(r"[:/.\s{}]+", text)
    return any(part and name_is_token(part) for part in parts)


# Lower-cased substrings, one of which a file must contain for a token to be there at all:
# the cheap prefilter of the TW2xx/TW3xx rules (it decides whether a file is parsed).
# (Affixed forms for short words: "pin" alone is in "mapping", "sid" in "inside".)
TOKEN_HINTS = ("token", "secret", "passw", "_key", "key_", "apikey", "nonce", "otp", "session",
               "csrf", "xsrf", "_code", "code_", "_pin", "pin_", "reset", "verif", "invite",
               "cookie", "auth", "_sid", "sid_", "sid=", "magic", "activat", "confirm", "gift",
               "voucher", "redeem", "jwt", "credential")


def mentions_tokens(lowered: str) -> bool:
    return any(hint in lowered for hint in TOKEN_HINTS)


_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_path(path: str) -> bool:
    """Test code makes test data: tokens there are fixtures, not credentials."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    name = parts[-1] if parts else ""
    if any(p in _TEST_DIRS for p in parts[:-1]):
        return True
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
