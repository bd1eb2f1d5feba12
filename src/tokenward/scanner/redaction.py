"""Redaction: no secret leaves tokenward in clear, and nothing shown can drive a terminal.

A redacted value keeps its length and, for a provider token only, the provider's
documented prefix (enough to recognise ``ghp_`` or ``sk_l``, never more than a quarter of
the value); anything else shows no character of itself.

Secrets are masked by where they are *spelled*, not by what they decode to: a literal
written with escapes (``"Zt9\\"..."``), an implicit concatenation (``"ghp_..." "..."``) or
a JSON/YAML/.env escape spells the value differently from its decoded form, so replacing
the decoded value in the line would leave the source text in clear. One
:class:`Redactor` per file masks the exact source ranges of every secret the scanner saw
there (suppressed and baselined ones included), the same spellings wherever they are
copied (the ``+`` lines of a fix), and then anything token-shaped, so a second secret on
the line that no rule reported is not shown either.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field

from tokenward.analysis.source import split_lines
from tokenward.lazy import lazy_regex
from tokenward.model import Span
from tokenward.records import record

SNIPPET_WIDTH = 120
# Spellings shorter than this are not searched for in other text: too short to reveal
# anything, too common not to mask unrelated code. Their own source range is still masked.
MIN_SPELLING = 4

# Long runs of token characters that mix letters and digits: what a key looks like.
_TOKENISH = lazy_regex(r"[A-Za-z0-9+/_\-.=~]{16,}")
# One word of a name: letters of one case (a capital first allowed), digits at the end.
_WORD = lazy_regex(r"(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)[0-9]*|[0-9]+")
# Passwords in URLs: scheme://user:PASSWORD@host. Only the part after "://" is a regex,
# and it cannot backtrack (possessive; neither class holds the character that follows
# it); the scheme is read backwards from each "://" (see _url_passwords): a regex scheme
# would try every letter of a long dotted run as a start, quadratic on `http://a.a.a...`.
_AFTER_SCHEME = lazy_regex(r"[^:/@\s'\"]*+:(?P<pw>[^@\s'\"/]++)(?=@)")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Characters that act on a terminal, a log viewer or an XML parser instead of being shown:
# C0 and C1 controls (ESC starts ANSI and OSC 52 clipboard sequences; form feed and
# ESC make XML ill-formed), DEL, line and paragraph separators, and the bidirectional
# overrides that make code read differently from what it is. A tab is kept.
_CONTROL = lazy_regex("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029"
                      "\u202a-\u202e\u2066-\u2069]")
# What json.dumps(ensure_ascii=False) leaves raw of those (it escapes C0 itself).
_JSON_RAW = lazy_regex("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Python's own line breaks (what libcst, the tokenizer and every rule count lines by);
# str.splitlines also breaks at form feeds and other separators, which shifts lines.


def redact(value: str) -> str:
    """``ghp_****(40 chars)``: a provider's documented prefix (at most 4 characters, a
    quarter of the value) and the length, never the value; ``****(12 chars)`` for
    anything else. A prefix is shown only to recognise a provider's format: of a password
    or a guessable key (``MYSUPERSECRETKEY``, ``aaaaaaa``) any piece narrows the guess."""
    from tokenward.analysis.provider_matcher import documented_prefix

    keep = min(4, len(value) // 4, len(documented_prefix(value)))
    return f"{value[:keep]}****({len(value)} chars)"


def secret_hash(value: str) -> str:
    """A keyed hash of a secret, to find the value again in a file without carrying it.

    HMAC-SHA256 under this user's local key (``scanner.userdata``), so it is worthless to
    anyone without that key; still it is never published: only the private result cache
    keeps it. Fingerprints and baselines hold no secret material at all.
    """
    import hmac

    from tokenward.scanner.userdata import local_key

    message = b"secret-hash\0" + value.encode("utf-8", "surrogatepass")
    return hmac.new(local_key(), message, hashlib.sha256).hexdigest()[:32]


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), tabs kept."""
    return _CONTROL.sub(lambda m: _escape(m.group(0)), text)


def printable_json(dumped: str) -> str:
    """JSON text with no raw control character left: the same document (a ``\\u``
    escape decodes to the same character; such characters only occur inside strings)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _looks_secret(run: str) -> bool:
    has_digit = any(c.isdigit() for c in run)
    has_alpha = any(c.isalpha() for c in run)
    if not (has_digit and has_alpha):
        return False
    # Dotted names (psycopg2.connect, module.sub.attr) are not secrets; a JWT's parts are
    # identifiers too, but long ones.
    parts = run.split(".")
    if len(parts) >= 2 and all(p.isidentifier() and len(p) <= 24 for p in parts):
        return False
    # Nor are snake-case names of words (GITHUB_API_TOKEN_2, handler_v2_for_users): what a
    # fix writes on its `+` lines. A token's random part mixes case and digits.
    words = [w for w in run.split("_") if w]
    return not (len(words) >= 2 and all(_WORD.fullmatch(w) for w in words))


def _url_passwords(line: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``scheme://user:PASSWORD@`` password, in linear time.

    Same matches as ``[a-z][a-z0-9+.-]*://[^:/@\\s'"]*:([^@\\s'"/]+)(?=@)`` (case-blind,
    leftmost first): the scheme is the run of scheme characters before "://", from its
    first letter. Walking back stops at ":" or "/", so no character is walked twice.
    """
    position = line.find("://")
    while position >= 0:
        start = position
        while start > 0 and line[start - 1] in _SCHEME_CHARS:
            start -= 1
        has_scheme = any(c in _LETTERS for c in line[start:position])
        match = _AFTER_SCHEME.match(line, position + 3) if has_scheme else None
        if match is not None:
            yield match.start("pw"), match.end("pw")
            position = line.find("://", match.end("pw"))
        else:
            position = line.find("://", position + 1)


def mask_line(line: str) -> str:
    """Mask every token-shaped run and URL password in a line of code."""
    out: list[str] = []
    done = 0
    for start, end in _url_passwords(line):
        out += [line[done:start], redact(line[start:end])]
        done = end
    line = "".join(out) + line[done:]
    return _TOKENISH.sub(lambda m: redact(m.group(0)) if _looks_secret(m.group(0)) else m.group(0),
                         line)


def _clip(text: str, column: int, indent: int) -> str:
    """At most SNIPPET_WIDTH characters of a stripped line, around ``column``."""
    if len(text) <= SNIPPET_WIDTH:
        return text
    start = max(0, min(column - 1 - indent - 20, len(text) - SNIPPET_WIDTH))
    return ("…" if start else "") + text[start : start + SNIPPET_WIDTH - 1] + "…"


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    position = text.find(needle) if needle else -1
    while position >= 0:
        yield position, position + len(needle)
        position = text.find(needle, position + len(needle))


def span_ranges(lines: Sequence[str], span: Span) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) 0-based column ranges that ``span`` covers, per line."""
    last = min(span.end_line, len(lines))
    for number in range(max(span.line, 1), last + 1):
        text = lines[number - 1]
        start = span.column - 1 if number == span.line else 0
        end = span.end_column - 1 if number == span.end_line else len(text)
        start, end = max(0, start), min(len(text), end)
        if start < end:
            yield number, start, end


@record
class Redactor:
    """One file's lines, and any text derived from them, shown with every secret masked.

    ``ranges`` are the source ranges of the secrets found in the file (line number ->
    0-based column ranges); ``spellings`` are those ranges' texts and the decoded values
    known, masked wherever they appear (a line the fix engine rewrote, an error message).
    Everything rendered also goes through the token-shaped mask and :func:`printable`.
    """

    lines: tuple[str, ...]
    ranges: Mapping[int, tuple[tuple[int, int], ...]]
    spellings: tuple[str, ...]
    # Lines already rendered: a minified file's one long line may hold many findings.
    _shown: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, lines: Sequence[str], spans: Iterable[Span] = (),
           values: Iterable[str | None] = ()) -> Redactor:
        """For a file's ``lines``, the ``spans`` of its secrets and any decoded ``values``."""
        ranges: dict[int, list[tuple[int, int]]] = {}
        spelled = {v for v in values if v}
        for span in spans:
            for number, start, end in span_ranges(lines, span):
                ranges.setdefault(number, []).append((start, end))
                spelled.add(lines[number - 1][start:end])
        return cls(
            tuple(lines),
            {n: tuple(_merged(r)) for n, r in ranges.items()},
            tuple(sorted((s for s in spelled if len(s.strip()) >= MIN_SPELLING),
                         key=lambda s: (-len(s), s))),
        )

    @classmethod
    def of_text(cls, text: str, spans: Iterable[Span] = (),
                values: Iterable[str | None] = ()) -> Redactor:
        return cls.of(split_lines(text), spans, values)

    def with_values(self, values: Iterable[str | None]) -> Redactor:
        """The same, also masking these decoded values wherever they appear."""
        extra = [v for v in values if v and len(v.strip()) >= MIN_SPELLING]
        if not extra:
            return self
        spellings = sorted({*self.spellings, *extra}, key=lambda s: (-len(s), s))
        return Redactor(self.lines, self.ranges, tuple(spellings))

    def source_line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def line(self, number: int) -> str:
        """Line ``number`` of the file (1-based), safe to show."""
        if number not in self._shown:
            self._shown[number] = self._render(self.source_line(number),
                                               self.ranges.get(number, ()))
        return self._shown[number]

    def text(self, text: str) -> str:
        """A line not from the file itself (a rewritten line, a message), safe to show."""
        return self._render(text, ())

    def known(self, text: str) -> str:
        """``text`` with only the known secrets masked (no token-shape guessing): for
        messages and names, where a guess would mangle ordinary words."""
        return printable(self._masked(text, ()))

    def snippet(self, number: int, column: int = 1) -> str:
        """The line of a finding, stripped and clipped around ``column``."""
        original = self.source_line(number)
        indent = len(original) - len(original.lstrip())
        return _clip(self.line(number).strip(), column, indent)

    def diff(self, diff: str) -> str:
        """A unified diff of this file, safe to show.

        Old and context lines are the file's own lines when the text matches (masked by
        position); anything else, and every added line, is derived text: masked by the
        known spellings and the token-shaped mask.
        """
        out: list[str] = []
        old = 0
        hunks = False  # "---"/"+++" are file headers only before the first hunk
        for raw in split_lines(diff, keepends=True):
            body = raw.rstrip("\r\n")
            ending = raw[len(body):]
            if body.startswith("@@"):
                old, hunks = _hunk_start(body), True
                out.append(printable(body) + ending)
                continue
            if body.startswith("\\") or (not hunks and body.startswith(("---", "+++"))):
                out.append(printable(body) + ending)
                continue
            marker, rest = body[:1], body[1:]
            if marker in ("-", " "):
                same = old > 0 and self.source_line(old) == rest
                shown = self.line(old) if same else self.text(rest)
                old += 1 if old else 0
            elif marker == "+":
                shown = self.text(rest)
            else:
                marker, shown = "", self.text(body)
            out.append(marker + shown + ending)
        return "".join(out)

    def _masked(self, text: str, ranges: Iterable[tuple[int, int]]) -> str:
        found = list(ranges)
        for spelling in self.spellings:
            found.extend(_occurrences(text, spelling))
        out: list[str] = []
        done = 0
        for start, end in _merged(found):
            out += [text[done:start], redact(text[start:end])]
            done = end
        return "".join(out) + text[done:]

    def _render(self, text: str, ranges: Iterable[tuple[int, int]]) -> str:
        return printable(mask_line(self._masked(text, ranges)))


def _hunk_start(header: str) -> int:
    """The first old line of ``@@ -12,3 +12,4 @@`` (0 when unreadable)."""
    parts = header.split()
    try:
        return int(parts[1].lstrip("-").split(",")[0])
    except (IndexError, ValueError):
        return 0


def snippet(line: str, secret: str | None = None, *, column: int = 1) -> str:
    """One line shown like a finding's snippet, ``secret`` masked wherever it is spelled."""
    return Redactor.of([line], values=[secret]).snippet(1, column)


def _spellings_of(value: str) -> list[str]:
    """How source text may spell a decoded value: as is, and escaped for Python or JSON
    string literals in either quote."""
    forms = {value, repr(value)[1:-1], value.replace("\\", "\\\\"),
             value.replace('"', '\\"'), value.replace("'", "\\'"),
             json.dumps(value)[1:-1]}
    return sorted(forms, key=len, reverse=True)


def locate(lines: Sequence[str], span: Span, value: str) -> tuple[Span, ...]:
    """Where ``value`` is spelled on the lines of ``span``; ``(span,)`` when nowhere.

    For rules that cannot give the literal's own range: the value as is or escaped. When
    no spelling is found the whole span is masked: a secret never shows, at the cost of
    showing less code.
    """
    found: list[Span] = []
    last = min(span.end_line, len(lines))
    for number in range(max(span.line, 1), last + 1):
        text = lines[number - 1]
        taken: list[tuple[int, int]] = []
        for form in _spellings_of(value):
            for start, end in _occurrences(text, form):
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    found.append(Span(number, start + 1, number, end + 1))
    return tuple(sorted(found)) or (span,)
