"""tokenward.lazy.lazy_regex: a module's table of expressions costs nothing until used."""

from __future__ import annotations

import pickle
import re

from tokenward.lazy import lazy_regex


def test_the_expression_is_compiled_on_first_use_and_then_read_directly() -> None:
    word = lazy_regex(r"api[_-]?key", re.IGNORECASE)
    assert word.pattern == r"api[_-]?key"
    assert "search" not in vars(word)  # reading .pattern compiled nothing
    found = word.search("export API_KEY=1")
    assert found is not None and found.span() == (7, 14)
    assert "search" in vars(word)  # later calls skip the stand-in's __getattr__
    assert word.sub("*", "apikey, Api-Key") == "*, *"
    assert word.flags == re.compile(r"api[_-]?key", re.IGNORECASE).flags


def test_a_pickled_expression_matches_as_the_original() -> None:
    number = lazy_regex(r"(\d+)s")
    number.match("1s")  # compiled before pickling: the copy carries source and flags only
    copy = pickle.loads(pickle.dumps(number))
    assert copy.pattern == r"(\d+)s"
    assert [m.group(1) for m in copy.finditer("10s 2s")] == ["10", "2"]
