"""The one duration grammar: the store's commands, rule options and the lifetimes rules read
in scanned code all parse with it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tokenward.store.durations import duration_seconds, format_duration, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [
    ("45s", 45.0), ("15m", 900.0), ("12h", 43200.0), ("90d", 7776000.0), ("2w", 1209600.0),
    ("1h30m", 5400.0), ("1h 30m", 5400.0), ("1.5h", 5400.0), ("7 days", 604800.0),
    ("500ms", 0.5), ("1y", 31536000.0), ("8760H", 31536000.0), ("3600", None), ("", None),
    ("soon", None), ("1h30", None), ("-5m", None), ("5 parsecs", None), ("1h,30m", None),
])
def test_one_duration_grammar(text: str, seconds: float | None) -> None:
    assert duration_seconds(text) == seconds


def test_a_bare_number_counts_in_the_callers_unit() -> None:
    assert (duration_seconds("15", 60), duration_seconds("15m", 3600)) == (900.0, 900.0)
    with pytest.raises(ValueError, match="invalid duration '15': use e.g. 90d, 12h"):
        parse_duration("15")


def test_store_commands_get_a_timedelta_and_a_short_form() -> None:
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert format_duration(timedelta(days=3, hours=4, minutes=5)) == "3d 4h"
