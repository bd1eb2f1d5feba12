"""One pass over a text for every row of the provider catalogue.

1. A multi-literal prefilter finds every anchor of every row in the lower-cased text at
   once (Aho-Corasick through ``pyahocorasick``; without it, the same automaton in pure
   Python, which finds the same positions, more slowly).
2. Each anchor hit is handed only to the rows that own that anchor (a case-sensitive
   anchor must also match the original text), as a small region: the hit's line, no
   further than the row's longest match (a keyword row: its line, or ``near`` characters).
3. Each row's regex runs once over each of its merged regions; matches are validated
   (checksum, structure, nearby keywords), and overlapping matches keep the longest.

A file in which no anchor occurs costs one automaton pass and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from tokenward.analysis.literals import Prefilter, automaton
from tokenward.analysis.providers import (
    PUBLIC_LINES,
    Provider,
    catalogue,
    is_public_beside,
    private_key_body,
)
from tokenward.analysis.vocabulary import secret_kind
from tokenward.records import record

# How far a keyword row looks along the keyword's line (long minified lines are clipped).
_LINE_REACH = 400
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@record
class TokenMatch:
    """A provider's token found in a text: its row, value and offsets."""

    provider: Provider
    value: str
    start: int
    end: int
    # False when the row's validator (checksum, structure) rejects the value.
    valid: bool = True
    # Where the match starts with its ``before`` context (``AccountKey=``).
    context_start: int = -1


@record
class _Owner:
    """A catalogue row that owns an anchor."""

    row: int
    # The anchor as the row spells it, when the original text must match it exactly.
    exact: str | None


@record
class Compiled:
    """The catalogue compiled: its rows, their anchors and the automaton over them."""

    rows: tuple[Provider, ...]
    anchors: tuple[str, ...]  # lower-cased, unique
    owners: tuple[tuple[_Owner, ...], ...]  # per anchor
    prefilter: Prefilter
    order: dict[str, int]  # row key -> its place in the catalogue


def compile_catalogue(rows: tuple[Provider, ...], engine: str = "auto") -> Compiled:
    """The anchors of ``rows`` in one prefilter (``engine``: literals.automaton's)."""
    owners: dict[str, list[_Owner]] = {}
    for number, row in enumerate(rows):
        for anchor in row.anchors:
            lowered = anchor.lower()
            exact = None if row.anchors_are_keywords or anchor == lowered else anchor
            owners.setdefault(lowered, []).append(_Owner(number, exact))
    anchors = tuple(owners)
    return Compiled(rows, anchors, tuple(tuple(owners[a]) for a in anchors),
                    automaton(anchors, engine),
                    {row.key: number for number, row in enumerate(rows)})


@cache
def compiled() -> Compiled:
    return compile_catalogue(catalogue())


def may_introduce(added: str, lowered: str | None = None) -> bool:
    """Whether text added to a file (whole lines) can bring a catalogue match the file did
    not have: a row's pattern matches in it (valid or not, keywords or not), it holds a
    keyword row's anchor (its value may be on another line, within ``near``) or a private
    key's header, or a line of a private key's body (a certificate made again keeps its
    header lines). Most diffs that spell an anchor (``sk``, ``pat``) hold none of these:
    the file is not scanned for provider tokens. (A row's extra keywords, ``auth`` or
    ``cookie``, are not asked for: a value they would make count beside an unchanged line
    still needs its anchor, which that line spells, not the diff.)"""
    if lowered is None or len(lowered) != len(added):
        lowered = lower_same_length(added)
    if next(iter(_reaching().hits(lowered)), None) is not None or _PEM_LINE.search(added):
        return True
    table = compiled()
    regions, direct = _candidates(added, lowered, table)
    return bool(direct) or any(table.rows[number].pattern.search(added, low, high)
                               for number, spans in regions.items() for low, high in spans)


# A line of a PEM body: base64 alone, most of a 64-character line (the last may be short).
_PEM_LINE = re.compile(r"^[A-Za-z0-9+/]{40,}={0,2}\r?$", re.MULTILINE)


@cache
def _reaching() -> Prefilter:
    """The lower-cased anchors that make a match of a value beside them, on another line:
    the keyword rows' anchors (within ``near``), a private key's header (its body)."""
    words = tuple(sorted({anchor.lower() for row in compiled().rows
                          if row.anchors_are_keywords or row.key == "private-key"
                          for anchor in row.anchors}))
    return automaton(words)


def lower_same_length(text: str) -> str:
    """``text.lower()`` when it keeps every offset (it does unless a few non-ASCII letters
    lower to two characters), else only ASCII letters lowered."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def scan(text: str, lowered: str | None = None, table: Compiled | None = None,
         *, keywords: bool = True) -> list[TokenMatch]:
    """Every catalogue match in ``text``: the valid ones without overlaps, then the ones
    whose checksum or structure fails (``valid=False``). ``keywords=False`` judges a bare
    value by its format alone (a JWT needs no credential word to be one)."""
    table = table or compiled()
    if lowered is None or len(lowered) != len(text):
        lowered = lower_same_length(text)
    regions, direct = _candidates(text, lowered, table)
    found: list[TokenMatch] = []
    for number, spans in regions.items():
        found.extend(_search(text, lowered, table.rows[number], spans, keywords))
    for number, matches in direct.items():
        row = table.rows[number]
        found.extend(m for m in (_token(text, lowered, row, match, keywords)
                                 for match in matches) if m is not None)
    # Overlaps keep the longest match; on the same span the more specific row (one
    # that asks for keywords or validates) wins, then the catalogue's order.
    order = table.order
    valid = sorted((m for m in found if m.valid),
                   key=lambda m: (m.start, m.start - m.end, not _specific(m.provider),
                                  order[m.provider.key]))
    kept: list[TokenMatch] = []
    for match in valid:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept + [m for m in found if not m.valid]


def _specific(row: Provider) -> bool:
    return bool(row.keywords or row.validator)


def find_tokens(text: str, lowered: str | None = None) -> list[TokenMatch]:
    """Every valid catalogue match in ``text``, in order, without overlaps."""
    return [m for m in scan(text, lowered) if m.valid]


def _candidates(text: str, lowered: str, table: Compiled) -> tuple[
        dict[int, list[tuple[int, int]]], dict[int, list[re.Match[str]]]]:
    """Row number -> the (start, end) regions its regex must search; and, for rows whose
    tokens start with their anchor, row number -> the matches found at the hits."""
    regions: dict[int, list[tuple[int, int]]] = {}
    direct: dict[int, list[re.Match[str]]] = {}
    size = len(text)
    for start, number in table.prefilter.hits(lowered):
        for owner in table.owners[number]:
            if owner.exact is not None and not text.startswith(owner.exact, start):
                continue
            row = table.rows[owner.row]
            if row.at_start:
                match = row.pattern.match(text, start)
                if match is not None:
                    direct.setdefault(owner.row, []).append(match)
                continue
            length = len(table.anchors[number])
            # A token holds its anchor, so it lies on the anchor's line within its reach;
            # a keyword's token lies on the keyword's line or within ``near`` of it.
            reach = _LINE_REACH if row.anchors_are_keywords else row.reach
            low = text.rfind("\n", max(0, start - reach), start) + 1 or max(0, start - reach)
            high = text.find("\n", start + length, start + length + reach)
            if high < 0:
                high = min(size, start + length + reach)
            if row.anchors_are_keywords:
                low = min(low, max(0, start - row.near - row.reach))
                high = max(high, min(size, start + length + row.near + row.reach))
            spans = regions.setdefault(owner.row, [])
            if spans and spans[-1][0] <= low and high <= spans[-1][1]:
                continue  # a run of hits (a long ``AAAA...``) inside one region
            spans.append((low, high))
    return regions, direct


def _search(text: str, lowered: str, row: Provider, spans: list[tuple[int, int]],
            keywords: bool = True) -> Iterator[TokenMatch]:
    seen = -1
    for low, high in _merged(spans):
        for found in row.pattern.finditer(text, max(low, seen), high):
            match = found
            if found.end() == high and high < len(text) and text[high] != "\n":
                # The region cut a longer run short: judge it with the whole line.
                whole = row.pattern.match(text, found.start(), _line_end(text, high))
                if whole is None:
                    continue
                match = whole
            seen = match.end()
            found_token = _token(text, lowered, row, match, keywords)
            if found_token is not None:
                yield found_token


def _token(text: str, lowered: str, row: Provider, match: re.Match[str],
           keywords: bool = True) -> TokenMatch | None:
    token = match.start("token") if "token" in row.pattern.groupindex else match.start()
    value = text[token:match.end()]
    if row.named_secret and secret_kind(match.group("name")) is None:
        return None  # a header that carries no credential (Content-Type, Accept)
    valid = _validates(row, value, text, match)
    # A keyword makes a valid match count (or a structure that needs none); a made-up one
    # is made up anywhere.
    # Without keywords (a bare value), a validated format needs no context word.
    if (valid and row.keywords and (keywords or row.validator is None)
            and not _keyword_near(text, lowered, token, match.end(), row)
            and not row.stands_alone(value)):
        return None
    if row.public_beside and is_public_beside(row, lines_around(lowered, token, match.end())):
        return None  # documented as public where it stands (a Firebase web config)
    return TokenMatch(row, value, token, match.end(), valid, match.start())


def _validates(row: Provider, value: str, text: str, match: re.Match[str]) -> bool:
    if row.key == "private-key":
        return private_key_body(text, match.end()) is not None
    return row.validates(value)


def _merged(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    spans.sort()
    low, high = spans[0]
    for start, end in spans[1:]:
        if start > high:
            yield low, high
            low = start
        high = max(high, end)
    yield low, high


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def lines_around(text: str, start: int, end: int) -> str:
    """The lines of ``text[start:end]`` and ``PUBLIC_LINES`` lines either side (each side
    clipped to ``_LINE_REACH`` characters): where a row's ``public_beside`` words count."""
    low = max(0, start - _LINE_REACH)
    first = start
    for _ in range(PUBLIC_LINES + 1):
        first = text.rfind("\n", low, first)
        if first < 0:
            first = low - 1
            break
    high = min(len(text), end + _LINE_REACH)
    last = end
    for _ in range(PUBLIC_LINES + 1):
        last = text.find("\n", last + 1, high)
        if last < 0:
            last = high
            break
    return text[first + 1:last]


def _keyword_near(text: str, lowered: str, start: int, end: int, row: Provider) -> bool:
    """One of the row's keywords on the match's line (up to a clip) or within ``near``
    characters of it, outside the match itself, starting a word."""
    line_start = lowered.rfind("\n", max(0, start - _LINE_REACH), start) + 1
    line_end = lowered.find("\n", end, end + _LINE_REACH)
    if line_end < 0:
        line_end = min(len(lowered), end + _LINE_REACH)
    low = min(line_start or max(0, start - _LINE_REACH), max(0, start - row.near))
    high = max(line_end, end + row.near)
    return any(_starts_word(text, at) for k in row.keywords
               for lo, hi in ((low, start), (end, high)) for at in _finds(lowered, k, lo, hi))


def _finds(lowered: str, keyword: str, low: int, high: int) -> Iterator[int]:
    at = lowered.find(keyword, low, high)
    while at >= 0:
        yield at
        at = lowered.find(keyword, at + 1, high)


def _starts_word(text: str, at: int) -> bool:
    """A keyword counts where a word starts (``okta_token``, ``myOktaKey``, ``x-okta``),
    not inside another word (``rookTable`` holds ``okta``)."""
    if at == 0 or not text[at].isalpha() or not text[at - 1].isalpha():
        return True
    return text[at - 1].islower() and text[at].isupper()


def documented_prefix(value: str) -> str:
    """The provider's documented prefix ``value`` starts with (``ghp_``, ``sk_live_``,
    ``xoxb-``) when a catalogue format anchored there matches it, else ``""``: the part of
    a token that is public, what a redacted value may show to say which token it was."""
    table = compiled()
    for start, number in table.prefilter.hits(lower_same_length(value)):
        if start != 0:
            continue
        for owner in table.owners[number]:
            row = table.rows[owner.row]
            if row.at_start and (owner.exact is None or value.startswith(owner.exact)) \
                    and row.pattern.match(value) is not None:
                return value[:len(table.anchors[number])]
    return ""
