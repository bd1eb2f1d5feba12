"""The one duration grammar: ``90d``, ``15m``, ``1h30m``, ``1.5h``, ``7 days``, ``45s``.

A duration is one or more parts ``<number><unit>`` (spaces allowed between them); a bare
number is accepted only where the caller says what unit it counts. Units: ``ms``; ``s``,
``sec(s)``, ``second(s)``; ``m``, ``min(s)``, ``minute(s)``; ``h``, ``hr(s)``, ``hour(s)``;
``d``, ``day(s)``; ``w``, ``week(s)``; ``y``, ``year(s)`` (365 days). ``m`` is minutes.

Standard library only and at the bottom of the stack: the store's commands, the settings
(rule options) and the rules that read lifetimes in scanned code all parse with it.
"""

from __future__ import annotations

import re
from datetime import timedelta

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 604800
UNIT_SECONDS: dict[str, float] = {
    "ms": 0.001,
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), MINUTE),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), HOUR),
    **dict.fromkeys(("d", "day", "days"), DAY),
    **dict.fromkeys(("w", "week", "weeks"), WEEK),
    **dict.fromkeys(("y", "year", "years"), 365 * DAY),
}
EXAMPLES = "90d, 12h, 15m, 1h30m, 2w, 45s"

_NUMBER = r"\d+(?:\.\d+)?"
_BARE = re.compile(_NUMBER)
_PART = re.compile(rf"({_NUMBER})\s*([a-z]+)")


def duration_seconds(text: str, bare_unit: float | None = None) -> float | None:
    """``"1h30m"`` -> 5400.0; ``"15"`` -> 15 * ``bare_unit`` (None: not a duration);
    None for anything that is not a duration in this grammar."""
    compact = text.strip().lower()
    if _BARE.fullmatch(compact):
        return None if bare_unit is None else float(compact) * bare_unit
    total, position = 0.0, 0
    for match in _PART.finditer(compact):
        unit = UNIT_SECONDS.get(match.group(2))
        if unit is None or compact[position:match.start()].strip():
            return None
        total += float(match.group(1)) * unit
        position = match.end()
    if position == 0 or compact[position:].strip():
        return None
    return total


def parse_duration(text: str) -> timedelta:
    """A duration given on the command line (a unit is required); raises ValueError with
    examples."""
    seconds = duration_seconds(text)
    if seconds is None:
        raise ValueError(f"invalid duration {text!r}: use e.g. {EXAMPLES}")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """A short human form: ``3d 4h``, ``15m``, ``0s``."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    parts = []
    for unit, size in (("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + (" ".join(parts[:2]) if parts else "0s")
