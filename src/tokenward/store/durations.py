"""Durations on the command line: ``90d``, ``15m``, ``1h30m``, ``2w``, ``45s``."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """Parse ``<number><unit>`` parts (s, m, h, d, w); raises ValueError with an example."""
    compact = text.strip().lower()
    if not compact or _PART.sub("", compact) != "":
        raise ValueError(f"invalid duration {text!r}: use e.g. 90d, 12h, 15m, 1h30m, 2w, 45s")
    total = timedelta(0)
    for number, unit in _PART.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(number)})
    return total


def format_duration(value: timedelta) -> str:
    """A short human form: ``3d 4h``, ``15m``, ``0s``."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + (" ".join(parts[:2]) if parts else "0s")
