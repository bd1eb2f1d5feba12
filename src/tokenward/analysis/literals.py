"""Many literals found in one pass over a text.

Used where a text is searched for many fixed strings at once: the provider catalogue's
anchors (analysis/provider_matcher.py) and the rules' keywords (rules/base.py). The
automaton is Hyperscan's where the ``fast`` extra installed it (a vectorised pass), else
pyahocorasick's (Aho-Corasick in C); the pure-Python one finds the same positions, more
slowly. All three give the same answers in the same order (tests/analysis/test_literals.py).
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Iterator
from functools import cached_property, lru_cache
from typing import Any, Protocol


class Prefilter(Protocol):
    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        """(start offset, anchor number) for every occurrence of every anchor."""

    def spelled(self, lowered: str) -> set[int]:
        """The numbers of the anchors that occur at least once."""

    def spells_any(self, lowered: str) -> bool:
        """Whether some anchor occurs (the pass stops at the first)."""


class AhoCorasick:
    """pyahocorasick's automaton: one C pass over the text."""

    def __init__(self, anchors: tuple[str, ...]) -> None:
        import ahocorasick

        self._automaton: Any = ahocorasick.Automaton()
        for number, anchor in enumerate(anchors):
            self._automaton.add_word(anchor, (number, len(anchor) - 1))
        self._automaton.make_automaton()
        # An automaton without words refuses to search (it stays a trie): it finds none.
        self._searchable = bool(anchors)

    def _iter(self, lowered: str) -> Iterator[tuple[int, tuple[int, int]]]:
        if not self._searchable:
            return iter(())
        found: Iterator[tuple[int, tuple[int, int]]] = self._automaton.iter(lowered)
        return found

    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        for end, (number, back) in self._iter(lowered):
            yield end - back, number

    def spelled(self, lowered: str) -> set[int]:
        return {value[0] for _, value in self._iter(lowered)}

    def spells_any(self, lowered: str) -> bool:
        return next(self._iter(lowered), None) is not None


class PythonAhoCorasick:
    """The fallback when pyahocorasick cannot be imported: the textbook automaton (goto
    dictionaries, failure links, output lists) in pure Python. Over Django's source it is
    about ten times slower than pyahocorasick and six times faster than one ``re``
    alternation of look-aheads (benchmarks/providers/speed.py)."""

    def __init__(self, anchors: tuple[str, ...]) -> None:
        self._goto: list[dict[str, int]] = [{}]
        self._out: list[list[tuple[int, int]]] = [[]]
        for number, anchor in enumerate(anchors):
            state = 0
            for char in anchor:
                nxt = self._goto[state].get(char)
                if nxt is None:
                    nxt = len(self._goto)
                    self._goto.append({})
                    self._out.append([])
                    self._goto[state][char] = nxt
                state = nxt
            self._out[state].append((number, len(anchor)))
        self._fail = [0] * len(self._goto)
        queue = deque(self._goto[0].values())
        while queue:
            state = queue.popleft()
            for char, nxt in self._goto[state].items():
                queue.append(nxt)
                fallback = self._fail[state]
                while fallback and char not in self._goto[fallback]:
                    fallback = self._fail[fallback]
                target = self._goto[fallback].get(char, 0)
                self._fail[nxt] = target if target != nxt else 0
                self._out[nxt] = self._out[nxt] + self._out[self._fail[nxt]]

    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        goto, fail, out = self._goto, self._fail, self._out
        state = 0
        for index, char in enumerate(lowered):
            while state and char not in goto[state]:
                state = fail[state]
            state = goto[state].get(char, 0)
            for number, length in out[state]:
                yield index - length + 1, number

    def spelled(self, lowered: str) -> set[int]:
        return {number for _, number in self.hits(lowered)}

    def spells_any(self, lowered: str) -> bool:
        return next(self.hits(lowered), None) is not None


class Hyperscan:
    """Intel's Hyperscan (Vectorscan on ARM), where its wheel installs (the ``fast``
    extra): the answers of :class:`AhoCorasick`, in the same order, found by a vectorised
    pass over the bytes. ASCII anchors only (all of tokenward's are; the factory falls
    back otherwise). For ``hits`` a text is scanned as Latin-1, a byte a character, so
    offsets are characters'; a text beyond Latin-1 as UTF-8, its byte offsets then
    counted in characters. Everything is scanned as UTF-8, where an ASCII anchor matches
    whole characters only."""

    def __init__(self, anchors: tuple[str, ...]) -> None:
        import hyperscan

        if not all(anchor and anchor.isascii() for anchor in anchors):
            raise ValueError("Hyperscan is used for non-empty ASCII words only")
        self._lengths = [len(anchor) for anchor in anchors]
        self._searchable = bool(anchors)
        if not anchors:
            return
        self._stop = hyperscan.ScanTerminated
        self._patterns = [anchor.encode("ascii") for anchor in anchors]

    @cached_property
    def _every(self) -> Any:
        """The database that reports every occurrence (compiled when first asked)."""
        return self._database(0)

    @cached_property
    def _once(self) -> Any:
        """The database that reports each word once."""
        import hyperscan

        return self._database(hyperscan.HS_FLAG_SINGLEMATCH)

    def _database(self, flag: int) -> Any:
        import hyperscan

        database = hyperscan.Database()
        count = len(self._patterns)
        database.compile(expressions=self._patterns, ids=list(range(count)), elements=count,
                         flags=[flag] * count, literal=True)
        return database

    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        if not self._searchable:
            return iter(())
        try:
            data = lowered.encode("latin-1")  # a byte a character: offsets are characters'
            wide = False
        except UnicodeEncodeError:
            data, wide = lowered.encode("utf-8", "surrogatepass"), True
        ends: list[tuple[int, int, int]] = []
        lengths = self._lengths
        self._every.scan(data, match_event_handler=lambda number, _, end, __, ___:
                         ends.append((end, -lengths[number], number)))
        # pyahocorasick's order: by end, the longest of the words ending there first (the
        # order of byte offsets is that of characters).
        ends.sort()
        if not wide:
            return ((end + back, number) for end, back, number in ends)
        characters = _characters_at(data, sorted({end + back for end, back, _ in ends}))
        return ((characters[end + back], number) for end, back, number in ends)

    def spelled(self, lowered: str) -> set[int]:
        found: set[int] = set()
        if self._searchable:
            self._once.scan(lowered.encode("utf-8", "surrogatepass"),
                            match_event_handler=lambda number, _, __, ___, ____: found.add(
                                number))
        return found

    def spells_any(self, lowered: str) -> bool:
        if not self._searchable:
            return False
        try:
            self._once.scan(lowered.encode("utf-8", "surrogatepass"),
                            match_event_handler=lambda *_: True)  # True: stop at the first
        except self._stop:
            return True
        return False


def _characters_at(data: bytes, offsets: list[int]) -> dict[int, int]:
    """UTF-8 byte offset -> character offset, for ``offsets`` (ascending, each at a
    character's first byte): the text between two is decoded once (a text beyond Latin-1
    was handed to pyahocorasick instead: five times slower than this)."""
    found: dict[int, int] = {}
    byte = character = 0
    for offset in offsets:
        character += len(data[byte:offset].decode("utf-8", "surrogatepass"))
        byte = offset
        found[offset] = character
    return found


def spells_any(lowered: str, words: tuple[str, ...]) -> bool:
    """Whether ``lowered`` holds one of ``words``: ``any(w in lowered for w in words)`` in
    one pass (a text that holds none costs one pass, not one per word: over Django's
    source 0.55 -> 0.15 s for the 68 words of the lifecycle rules' prefilter)."""
    automaton = _automaton(words)
    if automaton is None:
        return any(word in lowered for word in words)
    return automaton.spells_any(lowered)


def matches_from(pattern: re.Pattern[str], text: str, starts: tuple[str, ...], *,
                 lead: int = 0) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match begins with one of
    ``starts``, or at most ``lead`` characters before one (``[\\s,]--token``: a ``--``
    one in): the pattern is tried only there (one automaton pass), not at every position
    of the text. The same matches, in order, none overlapping another."""
    candidates = {start for found, _ in occurrences(text, starts)
                  for start in range(max(found - lead, 0), found + 1)}
    end = 0
    for start in sorted(candidates):
        if start >= end and (match := pattern.match(text, start)) is not None:
            yield match
            end = max(match.end(), start + 1)


def occurrences(text: str, words: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(start, word number) of every occurrence of each of ``words`` in ``text``,
    overlaps included, in one pass: ``str.find`` for one word (faster than any
    automaton), else one automaton pass (``find`` per word without pyahocorasick). The
    same pairs as a ``str.find`` loop per word (in another order) for words that cannot
    overlap themselves (no prefix of a word is also its suffix)."""
    automaton = _automaton(words) if len(words) > 1 else None
    if automaton is not None:
        return automaton.hits(text)
    return ((position, number) for number, word in enumerate(words)
            for position in _finds(text, word))


def _finds(text: str, word: str) -> Iterator[int]:
    position = text.find(word)
    while position >= 0:
        yield position
        position = text.find(word, position + 1)


def spelled(lowered: str, words: tuple[str, ...]) -> set[int]:
    """The indices of the ``words`` that ``lowered`` holds, in one pass."""
    automaton = _automaton(words)
    if automaton is None:
        return {number for number, word in enumerate(words) if word in lowered}
    return automaton.spelled(lowered)


class Automaton:
    """pyahocorasick's automaton until the texts it has read make Hyperscan's compile
    worth it (3-30 ms a database, and 10 ms to import Hyperscan), then Hyperscan's where
    the ``fast`` extra installed it: the same answers, and a commit's few files never pay
    for the compile."""

    # Characters read before the switch: about 40 ms of pyahocorasick.
    switch_after = 4_000_000

    def __init__(self, words: tuple[str, ...]) -> None:
        self._words = words
        self._engine: Prefilter = AhoCorasick(words)
        self._read = 0  # -1 once switched (or Hyperscan refused)

    def _for(self, text: str) -> Prefilter:
        if self._read >= 0:
            self._read += len(text)
            if self._read > self.switch_after:
                self._read = -1
                with contextlib.suppress(Exception):  # not installed, non-ASCII, no SSSE3
                    self._engine = Hyperscan(self._words)
        return self._engine

    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        return self._for(lowered).hits(lowered)

    def spelled(self, lowered: str) -> set[int]:
        return self._for(lowered).spelled(lowered)

    def spells_any(self, lowered: str) -> bool:
        return self._for(lowered).spells_any(lowered)


def will_read(characters: int) -> None:
    """Say that this process is about to read about ``characters`` of text: where that is
    more than an automaton reads before it switches, every automaton switches to
    Hyperscan at its next text instead of after its first 4M characters. (A worker of a
    full scan of Django's source read each automaton's first 4 MB with pyahocorasick: a
    keyword-dense text costs far more there than its length says, and the two workers
    spent 0.5 s of CPU on it.)"""
    if characters > Automaton.switch_after:
        Automaton.switch_after = 0


def automaton(words: tuple[str, ...], engine: str = "auto") -> Prefilter:
    """The automaton of ``words``: ``auto``, the fastest this machine has for the texts
    it is handed (:class:`Automaton`; the pure-Python one without pyahocorasick); or the
    ``engine`` named: hyperscan, aho-corasick or python (ImportError when it is not
    installed)."""
    if engine == "python":
        return PythonAhoCorasick(words)
    if engine == "aho-corasick":
        return AhoCorasick(words)
    if engine == "hyperscan":
        return Hyperscan(words)
    try:
        return Automaton(words)
    except ImportError:
        return PythonAhoCorasick(words)


@lru_cache(maxsize=64)
def _automaton(words: tuple[str, ...]) -> Prefilter | None:
    """The C automaton of ``words`` (:func:`automaton`); None without one (the ``in`` tests
    are then faster than the pure-Python automaton)."""
    found = automaton(words)
    return None if isinstance(found, PythonAhoCorasick) else found
