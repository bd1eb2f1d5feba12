"""Names for moved secrets: derived from what the secret was bound to.

``GITHUB_TOKEN = "..."`` keeps its name; a generic name gets its context as a prefix, so
``connect(password="...")`` becomes ``DB_PASSWORD`` and ``self.password`` in ``class
Mailer`` becomes ``MAILER_PASSWORD``. Uniqueness is the registry's job (services.py).
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

# Words that say "a secret" without saying whose: such a name needs its context.
GENERIC_WORDS = frozenset({
    "password", "passwd", "pwd", "pass", "secret", "token", "key", "api", "apikey", "auth",
    "access", "client", "private", "credential", "credentials", "bearer", "authorization",
    "value", "x",
})
# Calls that open a database connection: their password is the DB_PASSWORD.
_DB_CALLEES = frozenset({
    "connect", "create_engine", "create_async_engine", "connection", "create_pool",
    "create_connection", "connect_async", "pool",
})
_DB_MODULES = frozenset({
    "psycopg2", "psycopg", "pymysql", "mysql", "sqlite3", "asyncpg", "aiomysql", "aiopg",
    "cx_oracle", "oracledb", "pyodbc", "sqlalchemy", "mariadb", "db", "database",
})
# Callee names that say nothing about whose secret it is: look at the receiver instead.
_VAGUE_CALLEES = frozenset({
    "login", "auth", "authenticate", "get", "post", "put", "patch", "delete", "request",
    "call", "init", "set", "update", "create", "open", "client", "session", "new", "build",
    "configure", "setup", "from_token", "with_token", "dict", "format", "str", "join",
})


# Words naming something that holds a secret among other things (a URL, a DSN).
CONTAINER_WORDS = frozenset({"url", "uri", "dsn", "connection", "string", "conn", "str",
                             "link", "endpoint", "address"})


_AUTH_SCHEMES = frozenset({"bearer", "token", "basic", "apikey", "key", "jwt"})
_HEADER_WORDS = frozenset({"header", "headers", "authorization", "auth"})
_URL_USER = re.compile(r"://(?P<user>[A-Za-z][A-Za-z0-9_.\-]*):$")


def part_target(target: str | None, text: str, secret: str, provider: str | None) -> str | None:
    """The target for a secret that is only part of a string: ``DATABASE_URL`` holding
    ``postgres://app:PW@db/app`` moves ``DATABASE_PASSWORD``; ``AUTH_HEADER`` holding
    ``Bearer TOKEN`` moves ``AUTH_TOKEN`` (``GITHUB_TOKEN`` when the format says GitHub)."""
    before = text.split(secret, 1)[0]
    kept = [w for w in target_words(target) if w not in CONTAINER_WORDS | _HEADER_WORDS]
    if before.strip().lower() in _AUTH_SCHEMES or provider:
        return "_".join([*([provider] if provider else kept), "token"])
    user = _URL_USER.search(before)
    if not kept and user:  # postgres://shop:PW@... with nothing better: SHOP_PASSWORD
        kept = words(user.group("user").replace("-", "_").replace(".", "_"))
    if target is None or set(target_words(target)) & CONTAINER_WORDS or user:
        return "_".join([*kept, "password"])
    return target


# What a provider's token is called after its provider (``SENDGRID_API_KEY``), and the
# words that may qualify it (``STRIPE_SECRET_KEY``, ``SLACK_WEBHOOK_URL``).
_KIND_NOUNS = ("token", "key", "secret", "password", "url", "credentials", "credential",
               "signature")
_KIND_QUALIFIERS = frozenset({"api", "secret", "bot", "app", "webhook", "refresh",
                              "signing"})


def provider_target(provider: str, kind: str) -> str:
    """The target for a provider token bound to no name: ``github`` and "personal access
    token" give ``github_token``; ``sendgrid`` and "API key" give ``sendgrid_api_key``."""
    kind_words = words(kind.replace(".", " "))
    nouns = [i for i, w in enumerate(kind_words) if w in _KIND_NOUNS]
    if not nouns:
        return f"{provider}_token"
    last = nouns[-1]
    qualifier = kind_words[last - 1] if last and kind_words[last - 1] in _KIND_QUALIFIERS \
        else None
    return "_".join(w for w in (provider, qualifier, kind_words[last]) if w)


# Context words that say nothing about whose secret it is (StripeClient -> stripe).
_VAGUE_CONTEXT = frozenset({"client", "session", "api", "service", "sdk", "connection"})


def words(name: str) -> list[str]:
    """``githubApiToken`` / ``GITHUB_API_TOKEN`` -> ["github", "api", "token"]."""
    return [w.lower() for w in _WORDS.findall(name)]


def target_words(target: str | None) -> list[str]:
    """Words of the last part of a target: ``self.api_key`` -> ["api", "key"]."""
    if not target:
        return []
    parts = [p for p in re.split(r"[^A-Za-z0-9_\-]+", target) if p]
    return words(parts[-1].replace("-", "_")) if parts else []


def is_generic(parts: list[str]) -> bool:
    return all(w in GENERIC_WORDS for w in parts)


def callee_context(callee: str | None) -> list[str]:
    """Context words for a keyword argument of a call to ``callee`` (a dotted name)."""
    if not callee:
        return []
    pieces = callee.split(".")
    last = pieces[-1].lower()
    if last in _DB_CALLEES or any(p.lower() in _DB_MODULES for p in pieces):
        return ["db"]
    for piece in reversed(pieces):
        if piece.lower() not in _VAGUE_CALLEES and piece not in ("self", "cls"):
            return words(piece)
    return []


def env_name(target: str | None, context: list[str], provider: str | None = None) -> str:
    """The base name (before uniqueness) for a secret bound to ``target``.

    ``provider`` (``github``, ``stripe``) names a generic target when the value's format
    says whose token it is.
    """
    parts = target_words(target)
    if parts in (["authorization"], ["bearer"]):
        parts = ["token"] if provider else ["api", "token"]
    if not parts:
        parts = ["secret"]
    if is_generic(parts) and provider:
        parts = [provider, *parts] if parts[0] != provider else parts
    elif is_generic(parts) and context:
        # Context words that are themselves generic (ClientSecretCredential) add nothing.
        prefix = [w for w in context if w not in parts and w not in _VAGUE_CONTEXT
                  and w not in GENERIC_WORDS]
        parts = prefix + parts
    name = "_".join(parts).upper()
    if name[0].isdigit():
        name = f"SECRET_{name}"
    return name
