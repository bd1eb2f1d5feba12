"""The multi-literal search the prefilters share (analysis/literals.py, rules/base.py)."""

from __future__ import annotations

import re

import pytest

from tokenward.analysis import literals
from tokenward.analysis.literals import AhoCorasick, PythonAhoCorasick, spells_any
from tokenward.analysis.source import FileKind
from tokenward.rules import RULES
from tokenward.rules.base import KeywordScreen, keyword_screen

WORDS = ("secret", "token", "passw", "=")


@pytest.mark.parametrize(("text", "expected"), [
    ("api_token = x", True),
    ("my_password", True),
    ("nothing here", False),
    ("", False),
])
def test_spells_any_is_any_word_in_the_text(text: str, expected: bool) -> None:
    assert spells_any(text, WORDS) is expected
    assert spells_any(text, ("secret", "token", "passw")) is any(
        w in text for w in ("secret", "token", "passw"))


def test_an_automaton_without_words_finds_nothing() -> None:
    assert not spells_any("anything at all", ())
    assert AhoCorasick(()).spelled("anything") == set()
    assert list(AhoCorasick(()).hits("anything")) == []


def test_both_automata_agree_on_what_a_text_spells() -> None:
    text = "the secret token: password=secretive"
    assert AhoCorasick(WORDS).spelled(text) == PythonAhoCorasick(WORDS).spelled(text) == {
        0, 1, 2, 3}
    assert PythonAhoCorasick(WORDS).spells_any(text)
    assert not PythonAhoCorasick(WORDS).spells_any("nothing")


def test_without_pyahocorasick_spells_any_tests_each_word(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: tuple[str, ...]) -> None:
        raise ImportError("no module named ahocorasick")

    monkeypatch.setattr(literals, "AhoCorasick", refuse)
    literals._automaton.cache_clear()
    try:
        assert spells_any("a token here", ("secret", "token"))
        assert not spells_any("nothing", ("secret", "token"))
    finally:
        literals._automaton.cache_clear()


def test_the_keyword_screen_decides_as_each_rule_s_own_tests() -> None:
    screen = KeywordScreen(RULES)
    for rule in RULES:
        for example in (*rule.bad, *rule.good):
            lowered = example.code.lower()
            spelled = screen.spelled(lowered)
            assert spelled == {k for r in RULES for k in r.keywords if k in lowered}
            assert rule.wants(lowered, spelled) is rule.wants(lowered), (rule.id, example)


def test_the_screen_is_built_once_per_rule_sequence() -> None:
    rules, other = list(RULES), list(RULES)
    assert keyword_screen(rules) is keyword_screen(rules)
    assert keyword_screen(rules) is not keyword_screen(other)


def test_the_screen_runs_a_kind_s_rules_in_declared_order_the_screening_ones_last() -> None:
    screen = KeywordScreen(RULES)
    python = screen.for_kind(FileKind.PYTHON)
    assert python is screen.for_kind(FileKind.PYTHON)  # chosen once
    applying = [rule for rule in RULES if rule.applies_to(FileKind.PYTHON)]
    assert python == (*[r for r in applying if not r.screens], *[r for r in applying if r.screens])
    assert python[-1].screens and not python[0].screens
    yaml_ids = {rule.id for rule in screen.for_kind(FileKind.YAML)}
    assert "TW402" in yaml_ids and "TW201" not in yaml_ids  # CI permissions; randomness
    assert "TW402" not in {rule.id for rule in python}


_CALL = re.compile(r"\b(?:log|logger\.info)\((?P<arg>\w*)\)|\blog_(?:a|ab)\b")


@pytest.mark.parametrize("text", [
    "log(x) logger.info(y)",
    "xlog(a) log(b)log(c)",        # \b looks before where the pattern is tried
    "logger.info(logger.info(z))",  # a start inside an earlier match is not tried
    "log_ab log_a log_abc",
    "",
])
def test_matches_from_finds_what_finditer_finds(text: str) -> None:
    starts = ("log(", "logger.info(", "log_")
    found = [(m.start(), m.end()) for m in literals.matches_from(_CALL, text, starts)]
    assert found == [(m.start(), m.end()) for m in _CALL.finditer(text)]


def test_matches_from_skips_a_start_inside_a_match() -> None:
    # The "log(" at 12 lies inside the match that starts at 0: finditer does not try it.
    found = list(literals.matches_from(_CALL, "logger.info(log)", ("log(", "logger.info(")))
    assert [(m.start(), m.group(0)) for m in found] == [(0, "logger.info(log)")]


_FLAG = re.compile(r"(?:^|[\s,])--(?:token|secret)[= ](?P<value>\w+)")


@pytest.mark.parametrize("text", [
    "--token abc",            # at the start of the text: the pattern's ^
    "run --token abc,--secret=xyz",
    "x--token abc ---token d",  # a letter before: no match; a third dash: no match
    "",
])
def test_matches_from_tries_lead_characters_before_a_start(text: str) -> None:
    found = [(m.start(), m.end()) for m in literals.matches_from(_FLAG, text, ("--",), lead=1)]
    assert found == [(m.start(), m.end()) for m in _FLAG.finditer(text)]


def test_matches_from_needs_no_automaton(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: tuple[str, ...]) -> None:
        raise ImportError("no module named ahocorasick")

    monkeypatch.setattr(literals, "AhoCorasick", refuse)
    literals._automaton.cache_clear()
    try:
        text = "log(a) logger.info(b) xlog(c)"
        found = list(literals.matches_from(_CALL, text, ("log(", "logger.info(")))
        assert [m.group(0) for m in found] == ["log(a)", "logger.info(b)"]
    finally:
        literals._automaton.cache_clear()


# Words that overlap, nest and share ends; texts in ASCII, in Latin-1 and beyond it (the
# Hyperscan engine scans Latin-1 as bytes, the rest as UTF-8 whose offsets it counts in
# characters: two-, three- and four-byte characters, and a lone surrogate as a file
# decoded with surrogateescape holds one).
_OVERLAPPING = ("ab", "b", "abc", "bca", "=", "token", "ok", "é")
_TEXTS = ("xabcab token=ok", "abcabca", "café token ab", "ключ token=abc", "", "bbbb",
          "ab 鍵 ab 😀 token=ab\udcff okab")


@pytest.mark.parametrize("engine", ["aho-corasick", "python", "hyperscan"])
def test_every_engine_gives_the_same_answers_in_the_same_order(engine: str) -> None:
    if engine == "hyperscan":
        pytest.importorskip("hyperscan")
    words = tuple(w for w in _OVERLAPPING if w.isascii()) if engine == "hyperscan" \
        else _OVERLAPPING
    built = literals.automaton(words, engine)
    for text in _TEXTS:
        # Every occurrence, by where it ends, the longest of those ending there first.
        expected = [(end - len(w), words.index(w)) for end in range(len(text) + 1)
                    for w in sorted(words, key=len, reverse=True)
                    if end >= len(w) and text[end - len(w):end] == w]
        assert list(built.hits(text)) == expected, text
        assert built.spelled(text) == {n for _, n in expected}, text
        assert built.spells_any(text) is bool(expected), text


def test_auto_moves_to_hyperscan_once_the_texts_read_pay_for_its_compile(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setattr(literals.Automaton, "switch_after", 20)
    ascii_words, other = literals.automaton(("ab", "b")), literals.automaton(("ab", "é"))
    assert isinstance(ascii_words, literals.Automaton)
    answers = [list(ascii_words.hits("xabcab token")) for _ in range(3)]  # 12, 24, 36 read
    assert answers == [[(1, 0), (2, 1), (4, 0), (5, 1)]] * 3
    assert isinstance(ascii_words._engine, literals.Hyperscan)
    assert [other.spelled("café ab") for _ in range(4)] == [{0, 1}] * 4
    assert isinstance(other._engine, AhoCorasick)  # Hyperscan takes ASCII words only
    assert isinstance(literals.automaton(("ab", "b"), "aho-corasick"), AhoCorasick)


def test_hyperscan_without_words_finds_nothing() -> None:
    pytest.importorskip("hyperscan")
    empty = literals.Hyperscan(())
    assert (list(empty.hits("anything")), empty.spelled("anything"),
            empty.spells_any("anything")) == ([], set(), False)
