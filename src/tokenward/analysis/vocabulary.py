"""Which names hold secrets: ``GITHUB_TOKEN`` and ``db_password`` do, ``token_url`` does not.

A name is split into words (:func:`name_words`, the same split as ``pyutil.name_words``
but without importing libcst: ``githubApiToken`` -> github, api, token). It is secret-like when

1. it contains a *secret word* (token, secret, password, passwd, pwd, pass, passphrase,
   apikey, credential(s), creds, bearer, dsn, auth, authorization ...) or a *secret pair*
   of adjacent words (api key, access key, private key, secret key, session key, signing key,
   encryption key, master key, auth key, app key, client secret ...), and
2. its last word is not a *describing* word: a name whose head noun is ``url``, ``name``,
   ``id``, ``type``, ``header``, ``field``, ``path``, ``file``, ``count``, ``length``,
   ``ttl``, ``prefix`` ... names a thing *about* a secret (``token_url``,
   ``password_reset_url``, ``secret_name``, ``key_id``, ``token_count``,
   ``csrf_token_header``), not the secret itself, and
3. it has no *public* qualifier: ``public_key``, ``publishable_key``, ``max_tokens``,
   ``num_tokens``, ``csrf_token``, ``is_password``.

``keyboard`` is one word, not ``key``; ``key`` alone (a dictionary or cache key) is not a
secret word; ``tokens`` (plural) counts things, so ``max_tokens`` is not secret.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

# The same split as pyutil.name_words. Kept here so that the text-only secret rules (and a
# pre-commit run that parses nothing) never import libcst, which costs ~0.3 s.
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def name_words(name: str) -> list[str]:
    """``githubApiToken`` / ``GITHUB_API_TOKEN`` -> ["github", "api", "token"]."""
    return [w.lower() for w in _WORDS.findall(name)]


# Word -> what the secret is called in messages.
_SECRET_WORDS: dict[str, str] = {
    "token": "token",
    "secret": "secret",
    "secrets": "secret",
    "password": "password",
    "passwd": "password",
    "pwd": "password",
    "pass": "password",
    "pw": "password",
    "passphrase": "password",
    "passcode": "password",
    "apikey": "API key",
    "credential": "credential",
    "credentials": "credential",
    "creds": "credential",
    "cred": "credential",
    "bearer": "bearer token",
    "dsn": "connection string",
    "auth": "credential",
    "authorization": "credential",
    "authtoken": "token",
    "accesstoken": "token",
    "secretkey": "secret key",
    "privatekey": "private key",
    "accesskey": "access key",
    "clientsecret": "client secret",
    "pat": "token",
}

# Adjacent word pairs that name a secret although neither word alone does.
_SECRET_PAIRS: dict[tuple[str, str], str] = {
    ("api", "key"): "API key",
    ("access", "key"): "access key",
    ("private", "key"): "private key",
    ("secret", "key"): "secret key",
    ("session", "key"): "session key",
    ("signing", "key"): "signing key",
    ("encryption", "key"): "encryption key",
    ("encrypt", "key"): "encryption key",
    ("master", "key"): "master key",
    ("auth", "key"): "API key",
    ("app", "key"): "API key",
    ("license", "key"): "license key",
    ("hmac", "key"): "signing key",
    ("jwt", "key"): "signing key",
    ("client", "secret"): "client secret",
    ("webhook", "secret"): "webhook secret",
    ("connection", "string"): "connection string",
    ("conn", "str"): "connection string",
    ("account", "key"): "access key",
    ("storage", "key"): "access key",
    ("sas", "key"): "access key",
    ("shared", "key"): "access key",
    ("routing", "key"): "integration key",
    ("integration", "key"): "integration key",
    ("erlang", "cookie"): "Erlang cookie",
}

# A last word that makes the name describe a secret instead of holding one.
_DESCRIBING_TAIL = frozenset({
    "url", "uri", "urls", "endpoint", "host", "path", "paths", "file", "filename", "files",
    "dir", "folder", "name", "names", "id", "ids", "type", "types", "kind", "header",
    "headers", "field", "fields", "param", "params", "parameter", "arg", "prefix", "suffix",
    "length", "len", "count", "size", "min", "max", "limit", "ttl", "expiry", "expires",
    "expiration", "timeout", "lifetime", "age", "format", "pattern", "regex", "re", "env",
    "var", "variable", "label", "hint", "policy", "rule", "rules", "mode", "version",
    "provider", "class", "cls", "schema", "template", "validator", "display", "placeholder",
    "hash", "hashed", "digest", "checksum", "enabled", "required", "status", "reset",
    "store", "storage", "manager", "service", "handler", "backend", "generator", "factory",
    "prompt", "message", "msg", "error", "errors", "text", "location", "cache", "source",
    "attr", "attribute", "column", "col", "index", "idx", "pos", "chars", "bytes", "bits",
    "entropy", "strength", "rotation", "ref", "reference", "arn", "key", "keys", "scope",
    "scopes", "method", "methods", "algorithm", "alg", "lookup", "getter", "setter",
    "callback", "fn", "func", "function", "model", "form", "widget", "input", "view",
    "route", "event", "events", "log", "logger", "option",
    "options", "config", "settings", "setting", "flag", "mask", "masked", "redacted",
    "exists", "valid", "invalid", "validity", "changed", "check", "title", "description",
    "doc", "docs", "help", "usage", "keyword", "keywords", "encoding", "charset", "audience",
    "issuer", "claim", "claims", "subject", "user", "username", "owner", "email", "account",
    "date", "time", "timestamp", "at", "on", "expire", "period", "interval", "window",
    "delay", "retries", "attempts", "number", "num", "regexp", "list", "set", "dict", "map",
    "table", "queue", "pool", "registry", "rotated", "used", "hashers", "hasher",
    "validators", "backends", "classes", "serializer", "serializers",
})

# Words anywhere in the name that make it public, a count, or a flag.
_PUBLIC_WORDS = frozenset({
    "public", "publishable", "pub", "max", "min", "num", "n", "csrf", "xsrf", "is", "has",
    "use", "should", "enable", "enabled", "allow", "require", "requires", "show", "hide",
    "verify", "validate", "check", "get", "set", "fetch", "load", "read", "generate",
    "test", "mock", "fake", "dummy", "example", "sample", "placeholder", "masked",
    "redacted", "hashed", "encrypted", "forgot", "reset", "change", "confirm", "confirmation",
    "repeat", "retype", "length", "strength", "policy", "no",
})

_SECRET_SUFFIXES = (("password", "password"), ("passwd", "password"), ("secret", "secret"),
                    ("token", "token"), ("apikey", "API key"), ("secretkey", "secret key"),
                    ("accesskey", "access key"), ("privatekey", "private key"))

_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "pw", "passphrase",
                             "passcode"})


@lru_cache(maxsize=4096)
def secret_kind(name: str | None) -> str | None:
    """What secret a name holds ("password", "API key", "token" ...), or None."""
    if not name:
        return None
    words = name_words(name)
    if not words or (words[-1] in _DESCRIBING_TAIL and not _ends_with_pair(words)):
        return None
    if any(w in _PUBLIC_WORDS for w in words):
        return None
    found: str | None = None
    for first, second in itertools.pairwise(words):
        pair = _SECRET_PAIRS.get((first, second))
        if pair is not None:
            found = pair
    if found is None:
        for word in reversed(words):
            if word in _SECRET_WORDS:
                found = _SECRET_WORDS[word]
                break
    if found is None:
        # Run-together names: PGPASSWORD, dbpassword, slacktoken.
        for suffix, kind in _SECRET_SUFFIXES:
            if words[-1].endswith(suffix):
                return kind
    return found


def _ends_with_pair(words: list[str]) -> bool:
    """``api_key``, ``secret_key``: ``key`` is a describing tail only when it is alone."""
    return len(words) >= 2 and (words[-2], words[-1]) in _SECRET_PAIRS


def is_secret_name(name: str | None) -> bool:
    return secret_kind(name) is not None


def is_password_name(name: str | None) -> bool:
    """A name that clearly holds a password (short values are still secrets there)."""
    if not is_secret_name(name):
        return False
    assert name is not None
    return any(w in _PASSWORD_WORDS or w.endswith(("password", "passwd"))
               for w in name_words(name))
