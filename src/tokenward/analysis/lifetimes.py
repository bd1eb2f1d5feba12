"""Token lifetimes: what a setting's value means in seconds, and the configurable limits
(TW304, TW306). Which kind of token a setting's name is about is the vocabulary's
judgement (:func:`tokenward.analysis.vocabulary.lifetime_name`).

Limits come from ``[tool.tokenward.rules.excessive-token-lifetime]``::

    access_token_max = "1h"     # access tokens, JWTs (default 1 hour)
    refresh_token_max = "30d"   # refresh tokens, API tokens (default 30 days)
    reset_token_max = "1d"      # reset and verification links (default 1 day)
    invite_token_max = "7d"     # invitation links (default 7 days)
    session_max = "30d"         # sessions and session cookies (default 30 days)

A value is seconds (``3600``) or a duration (``15m``, ``12h``, ``30d``, ``1h30m``: the one
grammar of :mod:`tokenward.store.durations`); anything else is a settings error.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from tokenward.analysis.source import Source
from tokenward.analysis.vocabulary import (
    LifetimeName,
    cookie_holds_token,
    function_makes_token,
    lifetime_name,
    states_lifetime,
)
from tokenward.config import DURATION, Config, Option
from tokenward.lazy import lazy_regex
from tokenward.records import record
from tokenward.store.durations import DAY, HOUR, MINUTE, duration_seconds

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import flow, python
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    flow = lazy_module("tokenward.analysis.flow")
    python = lazy_module("tokenward.analysis.python")

OPTIONS_RULE = "excessive-token-lifetime"

KIND_LABEL = {"access": "access tokens", "refresh": "refresh and API tokens",
              "reset": "reset and verification links", "invite": "invitation links",
              "session": "sessions"}
# Kind -> its limit. The refresh limit is also the one for long-lived API and provider
# tokens (TW306 reads it too: one answer to "how long may an API token live?").
LIMITS: dict[str, Option[float]] = {
    "access": Option(OPTIONS_RULE, "access_token_max", DURATION, HOUR,
                     "Longest lifetime of access tokens and JWTs."),
    "refresh": Option(OPTIONS_RULE, "refresh_token_max", DURATION, 30 * DAY,
                      "Longest lifetime of refresh tokens and long-lived API tokens (also "
                      "provider tokens: non-expiring-provider-token)."),
    "reset": Option(OPTIONS_RULE, "reset_token_max", DURATION, DAY,
                    "Longest lifetime of password-reset and verification links."),
    # Invitations wait for a person who has not joined yet: GitHub's organisation
    # invitations expire after 7 days (docs.github.com, "Inviting users to join your
    # organization"); django-invitations' INVITATION_EXPIRY defaults to 3 days.
    "invite": Option(OPTIONS_RULE, "invite_token_max", DURATION, 7 * DAY,
                     "Longest lifetime of invitation links."),
    "session": Option(OPTIONS_RULE, "session_max", DURATION, 30 * DAY,
                      "Longest lifetime of sessions and session cookies."),
}


def limits(config: Config) -> dict[str, float]:
    """Kind -> the configured limit in seconds."""
    return {kind: option.value(config) for kind, option in LIMITS.items()}


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


# -- what a keyword argument states ------------------------------------------------------
# Settings and arguments for which False/None means "never expires".
NEVER_KEYS = frozenset({"jwt_access_token_expires", "jwt_refresh_token_expires", "token_ttl",
                        "expires_delta", "jwt_verify_expiration", "access_token_expires",
                        "refresh_token_expires"})
FLASK_JWT_CALLS = {"create_access_token": "access", "create_refresh_token": "refresh"}
COOKIE_SETTERS = frozenset({"set_cookie", "set_signed_cookie"})


@record
class KeywordLifetime:
    """What a keyword argument's name says: whose lifetime it is, and whether False or
    None given to it means the token never expires."""

    key: LifetimeName
    never: bool


def keyword_lifetime(word: str, callee: str, cookie: str | None,
                     issues: bool) -> KeywordLifetime | None:
    """What ``callee(word=...)`` states the lifetime of, or None. ``callee`` is the last
    name of what is called; ``cookie`` the literal name a cookie setter is given first
    (None: not a literal); ``issues`` whether the call makes a credential
    (``ApiKey(...)``, ``issuers.makes_credential``). The one judgement for TW304's
    keywords, over libcst's tree and over ``ast``'s in its screen."""
    if not states_lifetime(word):
        return None  # every answer below is about a name that states a lifetime
    context = callee
    if callee in COOKIE_SETTERS:
        if cookie is None or not cookie_holds_token(cookie):
            return None
        context = cookie + "_cookie"
    key = lifetime_name(word, context)
    if key is None and context.endswith("_cookie"):
        key = LifetimeName("session", 1)  # a cookie that holds a token: a session
    if key is None and callee in FLASK_JWT_CALLS and word == "expires_delta":
        key = LifetimeName(FLASK_JWT_CALLS[callee], 1)
    # ``expires_at=None`` given to what issues a token: a credential that never expires.
    issuer = issues or function_makes_token(callee)
    if key is None and issuer:
        key = LifetimeName("refresh", 1)  # an API key or token record: the API limit
    if key is None:
        return None
    return KeywordLifetime(key, word.lower() in NEVER_KEYS or issuer)


# -- what a Python value means ------------------------------------------------------------
NEVER = float("inf")
_NOW_CALLS = frozenset({"time.time", "datetime.datetime.now", "datetime.datetime.utcnow",
                        "django.utils.timezone.now", "datetime.now", "datetime.utcnow",
                        "timezone.now", "arrow.utcnow", "pendulum.now"})


def _env_default(source: Source, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``int(os.getenv("X", "10080"))`` / ``os.environ.get("X", 60)`` -> the default."""
    if isinstance(node, cst.Call) and python.last_name(node.func) in {"int", "float"} and node.args:
        node = node.args[0].value
    if isinstance(node, cst.Call):
        name = python.call_name(source, node) or ""
        if name in {"os.getenv", "os.environ.get", "environ.get", "getenv"} and len(
                node.args) >= 2:
            return node.args[1].value
    return None


def _seconds(value: flow.Constant | None, unit: float) -> float | None:
    """A folded constant as a lifetime: a duration, a number of ``unit``, or text such as
    ``"7d"``."""
    if isinstance(value, flow.Duration):
        return value.seconds
    if isinstance(value, int | float):
        return value * unit
    if isinstance(value, str):
        return duration_seconds(value, unit)
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
        if isinstance(inner, cst.Call) and python.last_name(inner.func) in {"int", "float"} and \
                inner.args:
            inner = inner.args[0].value
        if isinstance(inner, cst.Call) and _is_now(source, inner):
            delta = source.analysis.constant(delta_side)
            if isinstance(delta, str):
                return None
            return _seconds(delta, 1) if delta is not None else _relativedelta(
                source, delta_side)
    return None


def _is_now(source: Source, call: cst.Call, depth: int = 0) -> bool:
    """``datetime.now(timezone.utc)``, or a same-module helper that returns it
    (``def _now(): return datetime.now(timezone.utc)``)."""
    if (python.call_name(source, call) or "") in _NOW_CALLS:
        return True
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "timestamp" and \
            isinstance(call.func.value, cst.Call):  # now().timestamp()
        return _is_now(source, call.func.value, depth)
    returned = source.analysis.returned(call) if depth < 2 else []
    return len(returned) == 1 and isinstance(returned[0], cst.Call) and _is_now(
        source, returned[0], depth + 1)


_RELATIVE_UNITS = {"years": 365 * DAY, "months": 30 * DAY, "weeks": 7 * DAY, "days": DAY,
                   "hours": HOUR, "minutes": MINUTE, "seconds": 1}


def _relativedelta(source: Source, node: cst.BaseExpression) -> float | None:
    """``relativedelta(years=5)`` (dateutil): a year as 365 days, a month as 30."""
    if not isinstance(node, cst.Call) or not (python.call_name(source, node) or "").endswith(
            "relativedelta") or not node.args:
        return None
    total = 0.0
    for arg in node.args:
        amount = source.analysis.integer(arg.value)
        unit = _RELATIVE_UNITS.get(arg.keyword.value if arg.keyword else "")
        if amount is None or unit is None:
            return None
        total += amount * unit
    return total


_DATE_CALLS = frozenset({"datetime.datetime", "datetime.date", "datetime"})
_ISO_DATE = lazy_regex(r"^(\d{4})-(\d{2})-(\d{2})")


# A fixed date in code was picked when the code was written, which the scan cannot know:
# only one this far ahead is an expiry in name only (``2099-12-31``), whatever the limit.
FAR_DATE = 10 * 365 * DAY


def until(source: Source, node: cst.BaseExpression | None,
          today: datetime.date | None = None) -> tuple[float, str] | None:
    """A fixed date at least :data:`FAR_DATE` ahead of ``today`` as a lifetime: the
    seconds to ``datetime(2099, 1, 1)`` or ``"2099-12-31"``, and the date (None for
    anything else)."""
    if node is None:
        return None
    target: datetime.date | None = None
    text = source.analysis.constant(node)
    if isinstance(text, str):
        match = _ISO_DATE.match(text)
        target = _date(*(int(g) for g in match.groups())) if match else None
    elif isinstance(node, cst.Call) and (python.call_name(source, node) or "") in _DATE_CALLS:
        parts = [source.analysis.integer(a.value) for a in node.args[:3] if a.keyword is None]
        if len(parts) == 3 and all(p is not None for p in parts):
            target = _date(*(p for p in parts if p is not None))
    if target is None:
        return None
    days = (target - (today or datetime.date.today())).days
    return (days * DAY, target.isoformat()) if days * DAY >= FAR_DATE else None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# -- who issues a JWT ---------------------------------------------------------------------
# Qualified encode functions -> (position, keyword) of the claims argument (TW301 and its
# fix read the one table).
JWT_ENCODERS = {
    "jwt.encode": (0, "payload"),  # PyJWT
    "jwt.api_jwt.encode": (0, "payload"),
    "jose.jwt.encode": (0, "claims"),  # python-jose
    "authlib.jose.jwt.encode": (1, "payload"),  # authlib: encode(header, payload, key)
    "joserfc.jwt.encode": (1, "claims"),  # joserfc: encode(header, claims, key)
}
# Classes whose instances encode like authlib's module-level ``jwt``.
AUTHLIB_JWT_CLASSES = frozenset({"authlib.jose.JsonWebToken", "authlib.jose.rfc7519.JsonWebToken",
                                  "authlib.jose.jwt.JsonWebToken"})


def jwt_encoder(source: Source, call: cst.Call) -> tuple[str, bool] | None:
    """The JWT encoder ``call`` invokes and whether it is called by its module's name (an
    instance such as ``jwt = JsonWebToken(["RS256"])`` takes authlib's argument order)."""
    name = python.call_name(source, call)
    if authlib_instance_call(source, call, "encode"):
        return "authlib.jose.jwt.encode", False
    return (name, True) if name in JWT_ENCODERS else None


def authlib_instance_call(source: Source, call: cst.Call, method: str) -> bool:
    """``jwt.encode(...)``/``jwt.decode(...)`` where ``jwt = JsonWebToken(["RS256"])``
    in this file: authlib's, whatever the name."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == method and isinstance(
            func.value, cst.Name)):
        return False
    bound = source.analysis.source_binding(func.value)
    value = bound.value if bound is not None and bound.holds_value else None
    return isinstance(value, cst.Call) and python.call_name(source, value) in AUTHLIB_JWT_CLASSES

