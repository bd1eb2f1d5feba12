"""Token lifetimes: what a setting's value means in seconds, and the configurable limits
(TW304, TW306). Which kind of token a setting's name is about is the vocabulary's
judgement (:func:`tokenward.analysis.vocabulary.lifetime_name`).

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
from typing import TYPE_CHECKING, Any

from tokenward.analysis.python import call_name, int_value, last_name, string_value
from tokenward.analysis.source import Source

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


# -- what a Python value means ------------------------------------------------------------
NEVER = float("inf")
_TIMEDELTA_UNITS = {"days": DAY, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3,
                    "minutes": MINUTE, "hours": HOUR, "weeks": WEEK}
_TIMEDELTA_ORDER = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours",
                    "weeks")
_NOW_CALLS = frozenset({"time.time", "datetime.datetime.now", "datetime.datetime.utcnow",
                        "django.utils.timezone.now", "datetime.now", "datetime.utcnow",
                        "timezone.now", "arrow.utcnow", "pendulum.now"})


def number(node: cst.BaseExpression | None) -> float | None:
    """Literal arithmetic: ``60 * 60 * 24 * 7``, ``3600.0``, ``7 * DAY`` is not resolved."""
    if node is None:
        return None
    value = int_value(node)
    if value is not None:
        return float(value)
    if isinstance(node, cst.Float):
        try:
            return float(node.value.replace("_", ""))
        except ValueError:
            return None
    if isinstance(node, cst.BinaryOperation):
        left, right = number(node.left), number(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.operator, cst.Multiply):
            return left * right
        if isinstance(node.operator, cst.Add):
            return left + right
        if isinstance(node.operator, cst.Subtract):
            return left - right
        if isinstance(node.operator, cst.Divide | cst.FloorDivide) and right:
            return left / right
        if isinstance(node.operator, cst.Power):
            return float(left ** right) if right < 64 else None
    return None


def timedelta_seconds(source: Source, node: cst.BaseExpression | None) -> float | None:
    if not isinstance(node, cst.Call):
        return None
    name = call_name(source, node) or ""
    if not (name.endswith("timedelta") or name.endswith("relativedelta")):
        return None
    total = 0.0
    positional_units = iter(_TIMEDELTA_ORDER)
    for arg in node.args:
        unit_name = arg.keyword.value if arg.keyword is not None else next(positional_units, "")
        if unit_name in {"years", "months"}:
            unit: float = 365 * DAY if unit_name == "years" else 30 * DAY
        elif unit_name in _TIMEDELTA_UNITS:
            unit = _TIMEDELTA_UNITS[unit_name]
        else:
            return None
        value = number(arg.value)
        if value is None:
            return None
        total += value * unit
    return total


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


def seconds_of(source: Source, node: cst.BaseExpression | None, unit: float) -> float | None:
    """What a Python value means as a lifetime in seconds (``NEVER`` for False/None is
    decided by the caller, since only some settings mean "never" with them)."""
    if node is None:
        return None
    delta = timedelta_seconds(source, node)
    if delta is not None:
        return delta
    value = number(node)
    if value is not None:
        return value * unit
    text = string_value(node)
    if text is not None:
        return parse_duration(text, unit)
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
            delta = timedelta_seconds(source, delta_side)
            return delta if delta is not None else number(delta_side)
    return None
