"""Token lifetimes: which kind of token a setting is about, what its value means in seconds,
and the configurable limits (TW304, TW306).

Limits come from ``[tool.tokenward.rules.excessive-token-lifetime]``::

    access_token_max = "1h"     # access tokens, JWTs (default 1 hour)
    refresh_token_max = "30d"   # refresh tokens, API tokens (default 30 days)
    reset_token_max = "1d"      # reset, verification, invitation links (default 1 day)
    session_max = "30d"         # sessions and session cookies (default 30 days)

A value is seconds (``3600``) or a number with a unit: ``s``, ``m``, ``h``, ``d``, ``w``.
A value that cannot be read falls back to the default (never to "no limit").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tokenward.analysis.flow import Constant, Duration
from tokenward.analysis.python import call_name, last_name
from tokenward.analysis.source import Source
from tokenward.analysis.vocabulary import name_words

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

OPTIONS_RULE = "excessive-token-lifetime"

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 604800
DEFAULTS = {"access": HOUR, "refresh": 30 * DAY, "reset": DAY, "session": 30 * DAY}
_OPTION_KEYS = {"access": "access_token_max", "refresh": "refresh_token_max",
                "reset": "reset_token_max", "session": "session_max"}
KIND_LABEL = {"access": "access tokens", "refresh": "refresh and API tokens",
              "reset": "reset and verification links", "session": "sessions"}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|"
                       r"hrs|hours?|d|days?|w|weeks?|y|years?)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
                 "m": MINUTE, "min": MINUTE, "mins": MINUTE, "minute": MINUTE,
                 "minutes": MINUTE, "h": HOUR, "hr": HOUR, "hrs": HOUR, "hour": HOUR,
                 "hours": HOUR, "d": DAY, "day": DAY, "days": DAY, "w": WEEK, "week": WEEK,
                 "weeks": WEEK, "y": 365 * DAY, "year": 365 * DAY, "years": 365 * DAY}


def parse_duration(text: str, unit: float = 1) -> float | None:
    """``"3600"`` (in ``unit``), ``"15m"``, ``"7d"``, ``"8760h"`` -> seconds."""
    match = _DURATION.match(text)
    if not match:
        return None
    number = float(match.group(1))
    suffix = (match.group(2) or "").lower()
    return number * (_UNIT_SECONDS[suffix] if suffix else unit)


def limits(options: Mapping[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for kind, default in DEFAULTS.items():
        raw = options.get(_OPTION_KEYS[kind])
        value = None
        if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
            value = float(raw)
        elif isinstance(raw, str):
            value = parse_duration(raw)
        out[kind] = value if value and value > 0 else float(default)
    return out


def human(seconds: float) -> str:
    if seconds == NEVER:
        return "forever"
    for size, word in ((365 * DAY, "year"), (DAY, "day"), (HOUR, "hour"), (MINUTE, "minute")):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {word}{'s' if count != 1 else ''}"
    if seconds >= 2 * DAY:
        return f"{seconds / DAY:.1f} days"
    return f"{seconds:g} seconds"


# -- what a name is about -----------------------------------------------------------------
_EXPIRY_WORDS = frozenset({"expires", "expire", "expiry", "expiration", "lifetime", "ttl", "age",
                           "timeout", "exp", "validity", "duration", "delta", "life",
                           "lifespan", "expiring"})
_REFRESH = frozenset({"refresh"})
_RESET = frozenset({"reset", "verification", "verify", "confirm", "confirmation", "activation",
                    "activate", "invite", "invitation", "magic", "otp", "signup"})
# Not "cookie" alone: LANGUAGE_COOKIE_AGE, CSRF_COOKIE_AGE are not sessions.
_SESSION = frozenset({"session", "sessionid", "sid", "remember", "rememberme"})
_ACCESS = frozenset({"access", "jwt", "bearer", "id"})
_TOKEN = frozenset({"token", "tokens", "auth", "api", "apikey", "knox"})
_NOT_ABOUT_TOKENS = frozenset({"csrf", "cache", "lock", "connect", "connection", "read", "write",
                               "request", "http", "socket", "db", "database", "leeway",
                               "idle", "poll", "retry", "min", "celery", "task", "redis",
                               "query", "statement", "upload", "otp_valid_window", "hsts",
                               "preflight", "cors", "static", "media", "file", "keepalive",
                               "lease", "warning", "grace", "lockout", "throttle"})
_UNIT_WORDS = {"ms": 0.001, "millis": 0.001, "milliseconds": 0.001, "seconds": 1, "secs": 1,
               "sec": 1, "minutes": MINUTE, "minute": MINUTE, "mins": MINUTE,
               "hours": HOUR, "hour": HOUR, "hrs": HOUR, "days": DAY, "day": DAY,
               "weeks": WEEK, "week": WEEK}


def is_lifetime_word(name: str) -> bool:
    """``max_age``, ``expires``, ``ttl``: a name that states a lifetime."""
    return bool(set(name_words(name)) & _EXPIRY_WORDS)


@dataclass(frozen=True)
class LifetimeKey:
    kind: str  # access | refresh | reset | session
    unit: float  # seconds per unit of a bare number


def classify(name: str, context: str = "") -> LifetimeKey | None:
    """``ACCESS_TOKEN_EXPIRE_MINUTES`` -> (access, 60); ``SESSION_COOKIE_AGE`` -> (session,
    1); ``max_age`` with context ``refresh_token`` -> (refresh, 1); None when the name is not
    a token lifetime."""
    words = name_words(name.replace("-", "_").replace(".", "_"))
    if not set(words) & _EXPIRY_WORDS:
        return None
    every = set(words) | set(name_words(context.replace("-", "_")))
    if every & _NOT_ABOUT_TOKENS:
        return None
    unit = next((_UNIT_WORDS[w] for w in reversed(words) if w in _UNIT_WORDS), 1.0)
    if every & _REFRESH:
        kind = "refresh"
    elif every & _RESET:
        kind = "reset"
    elif every & _ACCESS and (every & _TOKEN or "jwt" in every or "access" in every):
        kind = "access"
    elif every & _SESSION:
        kind = "session"
    elif every & _TOKEN:
        kind = "refresh"  # long-lived API tokens: the refresh-token limit
    else:
        return None
    return LifetimeKey(kind, unit)


# -- what a Python value means ------------------------------------------------------------
NEVER = float("inf")
_NOW_CALLS = frozenset({"time.time", "datetime.datetime.now", "datetime.datetime.utcnow",
                        "django.utils.timezone.now", "datetime.now", "datetime.utcnow",
                        "timezone.now", "arrow.utcnow", "pendulum.now"})


def _env_default(source: Source, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``int(os.getenv("X", "10080"))`` / ``os.environ.get("X", 60)`` -> the default."""
    if isinstance(node, cst.Call) and last_name(node.func) in {"int", "float"} and node.args:
        node = node.args[0].value
    if isinstance(node, cst.Call):
        name = call_name(source, node) or ""
        if name in {"os.getenv", "os.environ.get", "environ.get", "getenv"} and len(
                node.args) >= 2:
            return node.args[1].value
    return None


def _seconds(value: Constant | None, unit: float) -> float | None:
    """A folded constant as a lifetime: a duration, a number of ``unit``, or text such as
    ``"7d"``."""
    if isinstance(value, Duration):
        return value.seconds
    if isinstance(value, int | float):
        return value * unit
    if isinstance(value, str):
        return parse_duration(value, unit)
    return None


def seconds_of(source: Source, node: cst.BaseExpression | None, unit: float) -> float | None:
    """What a Python value means as a lifetime in seconds (``NEVER`` for False/None is
    decided by the caller, since only some settings mean "never" with them)."""
    if node is None:
        return None
    seconds = _seconds(source.analysis.constant(node), unit)
    if seconds is not None:
        return seconds
    default = _env_default(source, node)
    if default is not None and default is not node:
        return seconds_of(source, default, unit)
    return None


def from_now(source: Source, node: cst.BaseExpression | None) -> float | None:
    """``datetime.now(timezone.utc) + timedelta(days=30)`` / ``time.time() + 86400`` ->
    the added lifetime in seconds."""
    if not isinstance(node, cst.BinaryOperation) or not isinstance(node.operator, cst.Add):
        return None
    for now_side, delta_side in ((node.left, node.right), (node.right, node.left)):
        inner = now_side
        if isinstance(inner, cst.Call) and last_name(inner.func) in {"int", "float"} and \
                inner.args:
            inner = inner.args[0].value
        if isinstance(inner, cst.Call) and (call_name(source, inner) or "") in _NOW_CALLS:
            delta = source.analysis.constant(delta_side)
            return _seconds(delta, 1) if not isinstance(delta, str) else None
    return None
