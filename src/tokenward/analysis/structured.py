"""Structured config files (YAML, JSON) read with their parsers, every key and value with
the span it was read from.

Rules that need a file's structure (which keys sit in one IAM statement, whether a
``roleRef`` belongs to a binding, which job a ``permissions`` key is under) ask here
instead of reading lines by hand, so a finding names the line its value is on even when
two lines of the file are identical.

- YAML: PyYAML's composed node tree, through the safe loader (libyaml's when installed).
  Nothing is constructed, so custom tags (CloudFormation's ``!Ref``) need no handler.
  Every document of a multi-document file; an alias is the node it names (visited once);
  ``<<`` merge keys add the merged entries; flow style and block scalars as YAML reads
  them. A Helm or Jinja template that does not parse is parsed again with its template
  lines blanked and its ``{{ ... }}`` expressions masked (same length: positions hold).
- JSON: a small scanner, since the standard library's parser keeps no positions. It
  accepts the comments and trailing commas of JSONC (``tsconfig.json``, editor settings).
- TOML is not read here: ``tomllib`` keeps no positions, and the line reader
  (:mod:`tokenward.analysis.config_pairs`) locates TOML keys exactly.

A file that does not parse is never a traceback: the scan gets one error entry with the
parser's message and position, and YAML is then read line by line (indentation,
``key: value``, ``- item``) into the same tree, so the rules still run on it. JSON has no
such reader: :attr:`Structured.parsed` is false and rules check the file as text.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from tokenward.analysis.config_pairs import read_value, yaml_key
from tokenward.analysis.config_text import indent_of
from tokenward.analysis.source import STRUCTURED_KINDS, FileKind, split_lines
from tokenward.lazy import lazy_regex
from tokenward.model import ScanError, Span
from tokenward.records import record

if TYPE_CHECKING:
    from tokenward.analysis.source import Source


class _Located:
    """Where a node was read: character offsets into the file, turned into a span (lines
    and columns) only when asked, since few nodes are ever reported."""

    start: int
    end: int
    where: Positions

    @property
    def span(self) -> Span:
        return self.where.span(self.start, self.end)


@record
class Scalar(_Located):
    """A key or a value as the parser read it. A quoted value is located inside its quotes."""

    value: str
    start: int
    end: int
    where: Positions = field(repr=False, compare=False)


@record
class Mapping(_Located):
    entries: tuple[tuple[Scalar, Node], ...]
    start: int
    end: int
    where: Positions = field(repr=False, compare=False)

    def entry(self, *keys: str) -> tuple[Scalar, Node] | None:
        """The first entry whose key is one of ``keys``."""
        return next(((k, v) for k, v in self.entries if k.value in keys), None)

    def get(self, *keys: str) -> Node | None:
        found = self.entry(*keys)
        return None if found is None else found[1]

    def value(self, *keys: str) -> str | None:
        """The text of a scalar entry (None when absent or not a scalar)."""
        node = self.get(*keys)
        return node.value if isinstance(node, Scalar) else None


@record
class Sequence(_Located):
    items: tuple[Node, ...]
    start: int
    end: int
    where: Positions = field(repr=False, compare=False)


Node = Scalar | Mapping | Sequence


@record
class Structured:
    """The documents of a file. ``problem``: why the parser could not read it (then a YAML
    file's documents come from the line reader, a JSON file has none)."""

    documents: tuple[Node, ...]
    problem: str | None = None

    @property
    def parsed(self) -> bool:
        return self.problem is None


def walk(*roots: Node) -> Iterator[Node]:
    """Every node under ``roots`` in source order (values, not keys), each once: an alias
    is the node it names, so a document of aliases is never walked exponentially."""
    seen: set[int] = set()
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, Mapping):
            stack.extend(value for _, value in reversed(node.entries))
        elif isinstance(node, Sequence):
            stack.extend(reversed(node.items))


def mappings(*roots: Node) -> Iterator[Mapping]:
    return (node for node in walk(*roots) if isinstance(node, Mapping))


def scalars(node: Node | None) -> Iterator[Scalar]:
    """What a key set to one value or a list of values holds: the scalar itself, or the
    scalars of a (nested) sequence; never the inside of a mapping."""
    stack = [] if node is None else [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Scalar):
            yield current
        elif isinstance(current, Sequence):
            stack.extend(reversed(current.items))


def locate(source: Source, scalar: Scalar, start: int, end: int) -> Span:
    """The span of ``scalar.value[start:end]`` in the file: exact where the file spells
    the value as it is; else where that text first appears in the scalar's source (escapes,
    a block scalar's indentation); else the whole scalar."""
    written = source.text[scalar.start:scalar.end]
    piece = scalar.value[start:end]
    if written == scalar.value:
        at = scalar.start + start
    elif piece and (found := written.find(piece)) >= 0:
        at = scalar.start + found
    else:
        return scalar.span
    return scalar.where.span(at, at + len(piece))


def as_written(source: Source, scalar: Scalar) -> Span:
    """The scalar's span widened to the quotes around it, when it is quoted: the token as
    the file spells it (what a finding about a key or a literal points at)."""
    text = source.text
    before = text[scalar.start - 1:scalar.start] if scalar.start > 0 else ""
    if before in ("'", '"') and text[scalar.end:scalar.end + 1] == before:
        return scalar.where.span(scalar.start - 1, scalar.end + 1)
    return scalar.span


# --- reading a file --------------------------------------------------------------------------

class ParseError(Exception):
    """The file is not valid YAML/JSON: ``message`` from the parser, at ``offset``."""

    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


_LAST: tuple[Source, Structured] | None = None


def _read(source: Source) -> Structured:
    """The file's documents (a YAML or JSON file), parsed once however many rules ask.

    When the parser cannot read the file, the scan's errors say so once, with the
    parser's message (never the file's text), and the fallback's documents are returned.
    """
    global _LAST
    if _LAST is not None and _LAST[0] is source:
        return _LAST[1]
    result = parse(source.text, source.kind)
    if result.problem is not None:
        source.errors.append(ScanError(source.path, result.problem))
    _LAST = (source, result)
    return result


def documents(source: Source) -> tuple[Node, ...] | None:
    """What a rule checks in this file: a YAML file's documents (parsed, or read line by
    line), a JSON file's when it parses; None when the file is to be checked as text (any
    other kind, or JSON that does not parse)."""
    if source.kind not in STRUCTURED_KINDS:
        return None
    result = _read(source)
    return result.documents if result.parsed or source.kind is FileKind.YAML else None


def parse(text: str, kind: FileKind) -> Structured:
    """``text`` as a ``kind`` file (YAML or JSON); never raises for bad input."""
    if kind not in STRUCTURED_KINDS:
        raise ValueError(f"{kind.value} files are not read by a parser here")
    positions = Positions(text)
    name = "YAML" if kind is FileKind.YAML else "JSON"
    try:
        documents = _yaml(text, positions) if kind is FileKind.YAML else _json(text, positions)
        return Structured(documents)
    except ParseError as error:
        problem = error.message
        if error.offset is not None:
            line, column = positions.point(error.offset)
            problem += f" (line {line}, column {column})"
    except RecursionError:
        problem = "nested too deeply"
    if kind is FileKind.YAML:
        try:
            fallback = _LineReader(text, positions).documents()
        except RecursionError:
            fallback = ()
        return Structured(fallback, f"{name} does not parse: {problem}; read line by line instead")
    return Structured((), f"{name} does not parse: {problem}; checked as text instead")


class Positions:
    """Character offsets of a file to 1-based (line, column), with the lines Source counts."""

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text, keepends=True)
        self.starts = list(accumulate((len(line) for line in self.lines), initial=0))
        self.last = max(0, len(self.lines) - 1)

    def point(self, offset: int) -> tuple[int, int]:
        index = min(bisect.bisect_right(self.starts, offset) - 1, self.last)
        return index + 1, offset - self.starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        return Span(*self.point(start), *self.point(end))

    def offset(self, line: int, column: int) -> int:
        """The offset of 1-based ``line`` and ``column``."""
        return self.starts[line - 1] + column - 1


# --- YAML ------------------------------------------------------------------------------------

# A template's directives, expressions and comments ({{- if ... }}, {{ .Values.x }},
# {% for %}, {{/* ... */}}), which may span lines.
_TEMPLATE = lazy_regex(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_HOLE = "\0"


def _yaml(text: str, positions: Positions) -> tuple[Node, ...]:
    try:
        return _compose(text, positions)
    except ParseError as error:
        problem = error
    if "{{" in text or "{%" in text:
        with suppress(ParseError):
            return _compose(_mask_templates(text), positions)
    raise problem  # the file's own problem, not the masked copy's


def _mask_templates(text: str) -> str:
    """A template as YAML: lines that hold only template code blanked, expressions inside a
    line replaced by as many ``x`` (a plain scalar), so every other character keeps its
    offset."""
    holed = _TEMPLATE.sub(lambda m: re.sub(r"[^\r\n]", _HOLE, m.group(0)), text)
    lines = split_lines(holed, keepends=True)
    return "".join(
        re.sub(r"[^\r\n]", " ", line) if not line.replace(_HOLE, "").strip()
        else line.replace(_HOLE, "x")
        for line in lines)


def _compose(text: str, positions: Positions, base: int = 0) -> tuple[Node, ...]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # One converter a document: its memo is keyed by node identity, and the nodes of a
        # finished document are freed (their ids reused) while the next one is composed.
        return tuple(_YamlNodes(positions, base).node(document)
                     for document in yaml.compose_all(text, Loader=loader)
                     if document is not None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ParseError(_without_content(exc.problem or "not valid YAML"),
                         None if mark is None else base + mark.index) from None
    except yaml.YAMLError as exc:  # the reader's errors (a control character, bad bytes)
        reason = getattr(exc, "reason", None) or "not valid YAML"
        position = getattr(exc, "position", None)
        raise ParseError(str(reason), None if position is None else base + position) from None


# What a parser's message may quote and still show: punctuation it expected or found,
# an escaped character. Anything else quoted is the file's own text (an alias or a tag
# name), which could be a secret: the message says it without it.
_SHOWN_QUOTE = lazy_regex(r"[^\w\s]{1,3}|\\[a-z]|#x[0-9a-fA-F]{1,8}")


def _without_content(problem: str) -> str:
    return re.sub(r" ?'([^']*)'",
                  lambda m: m.group(0) if _SHOWN_QUOTE.fullmatch(m.group(1)) else "", problem)


class _YamlNodes:
    """PyYAML's composed nodes -> ours, each node converted once (aliases share it)."""

    def __init__(self, positions: Positions, base: int) -> None:
        self.positions = positions
        self.base = base
        self.done: dict[int, Node] = {}
        self.open: set[int] = set()

    def place(self, node: Any, quoted: bool = False) -> tuple[int, int, Positions]:
        start = self.base + node.start_mark.index
        end = self.base + node.end_mark.index
        if quoted and end - start >= 2:
            start, end = start + 1, end - 1
        return start, end, self.positions

    def node(self, node: Any) -> Node:
        import yaml

        key = id(node)
        done = self.done.get(key)
        if done is not None:
            return done
        if key in self.open:  # an alias inside the node it names: cut the cycle
            return Sequence((), *self.place(node))
        self.open.add(key)
        try:
            result: Node
            if isinstance(node, yaml.ScalarNode):
                result = Scalar(node.value, *self.place(node, node.style in ("'", '"')))
            elif isinstance(node, yaml.SequenceNode):
                result = Sequence(tuple(self.node(item) for item in node.value), *self.place(node))
            else:
                result = Mapping(self.entries(node), *self.place(node))
        finally:
            self.open.discard(key)
        self.done[key] = result
        return result

    def entries(self, node: Any) -> tuple[tuple[Scalar, Node], ...]:
        import yaml

        own: list[tuple[Scalar, Node]] = []
        merged: list[tuple[Scalar, Node]] = []
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue  # a complex key (? [a, b]): no rule asks for one
            converted = self.node(value)
            if key.tag == "tag:yaml.org,2002:merge":
                for source in (converted.items if isinstance(converted, Sequence)
                               else (converted,)):
                    if isinstance(source, Mapping):
                        merged.extend(source.entries)
                continue
            own.append((Scalar(key.value, *self.place(key, key.style in ("'", '"'))), converted))
        names = {k.value for k, _ in own}
        return (*own, *((k, v) for k, v in merged if k.value not in names))


class _LineReader:
    """The fallback for YAML that does not parse (a template that even masked is not YAML,
    a stray tab, a half-edited file): block structure read from the indentation, each value
    read by the parser on its own where it can be, by the line reader where it cannot."""

    def __init__(self, text: str, positions: Positions) -> None:
        self.text = text
        self.positions = positions

    def documents(self) -> tuple[Node, ...]:
        found: list[Node] = []
        for lines in self._split():
            block = _Block(self, lines)
            while block.i < len(lines):
                found.append(block.node(lines[block.i].column))
        return tuple(found)

    def _split(self) -> Iterator[list[_Line]]:
        current: list[_Line] = []
        for number, raw in enumerate(split_lines(self.text), start=1):
            if raw.startswith(("---", "...")) and raw[3:4] in ("", " ", "\t"):
                if current:
                    yield current
                current = []
                continue
            stripped = raw.strip()
            if not stripped or stripped.startswith(("#", "{{", "{%", "{#", "%")):
                continue
            indent = indent_of(raw)
            current.append(_Line(number, indent + 1, raw[indent:].rstrip(), len(raw.rstrip()) + 1))
        if current:
            yield current

    def inline(self, line: _Line, start: int) -> Node:
        """The value written at ``start`` (0-based, in the line's content) to the line's end."""
        column = line.column + start
        rest = line.content[start:]
        base = self.positions.offset(line.number, column)
        try:
            nodes = _compose(rest, self.positions, base)
        except ParseError:
            nodes = ()
        if len(nodes) == 1:
            return nodes[0]
        raw = self.positions.lines[line.number - 1].rstrip("\r\n")
        value, begin, end = read_value(raw, column - 1)
        return Scalar(value, *self.at(line.number, begin + 1, end + 1))

    def at(self, number: int, column: int, end_column: int,
           end_number: int | None = None) -> tuple[int, int, Positions]:
        """Offsets of 1-based columns on line ``number`` (to ``end_number``)."""
        positions = self.positions
        return (positions.offset(number, column),
                positions.offset(end_number or number, end_column), positions)


@record
class _Line:
    number: int
    column: int  # 1-based column where the content starts
    content: str  # from that column, trailing space cut
    end: int  # 1-based column after the content


class _Block:
    """Recursive descent over the lines of one document, by indentation."""

    def __init__(self, reader: _LineReader, lines: list[_Line]) -> None:
        self.reader = reader
        self.lines = lines
        self.i = 0

    def _place(self, first: _Line) -> tuple[int, int, Positions]:
        last = self.lines[self.i - 1]
        return self.reader.at(first.number, first.column, last.end, last.number)

    def _at(self, column: int) -> _Line | None:
        line = self.lines[self.i] if self.i < len(self.lines) else None
        return line if line is not None and line.column == column else None

    def node(self, column: int) -> Node:
        """The node that starts on the current line, which starts at ``column``."""
        line = self.lines[self.i]
        if _is_item(line.content):
            return self.sequence(column)
        if yaml_key(line.content) is not None:
            return self.mapping(column)
        self.i += 1
        self._skip_deeper(column)
        return self.reader.inline(line, 0)

    def sequence(self, column: int) -> Sequence:
        first = self.lines[self.i]
        items: list[Node] = []
        while (line := self._at(column)) is not None and _is_item(line.content):
            rest = line.content[1:].lstrip()
            if not rest or rest.startswith("#"):
                self.i += 1
                items.append(self._nested(column, line))
                continue
            # "- key: value": the item's content is a line of its own at its own column.
            shift = len(line.content) - len(rest)
            self.lines[self.i] = _Line(line.number, line.column + shift, rest, line.end)
            items.append(self.node(line.column + shift))
        return Sequence(tuple(items), *self._place(first))

    def mapping(self, column: int) -> Mapping:
        first = self.lines[self.i]
        entries: list[tuple[Scalar, Node]] = []
        while (line := self._at(column)) is not None:
            key = yaml_key(line.content)
            if key is None:
                break
            self.i += 1
            name, key_start, key_end, value_start = key
            key_node = Scalar(name, *self.reader.at(line.number, line.column + key_start,
                                                    line.column + key_end))
            rest = line.content[value_start:].strip()
            if rest and not rest.startswith("#") and rest[0] not in "|>":
                entries.append((key_node, self.reader.inline(line, value_start)))
                self._skip_deeper(column)
            elif rest[:1] in ("|", ">"):  # a block scalar: its lines are text, not structure
                entries.append((key_node, Scalar("", *self.reader.at(line.number, line.end,
                                                                     line.end))))
                self._skip_deeper(column)
            else:
                entries.append((key_node, self._nested(column, line)))
        return Mapping(tuple(entries), *self._place(first))

    def _nested(self, column: int, owner: _Line) -> Node:
        """The block under a ``key:`` or ``-`` with nothing after it on its line: deeper
        lines, or a sequence at the key's own column (YAML allows ``key:\\n- item``)."""
        line = self.lines[self.i] if self.i < len(self.lines) else None
        if line is not None and (line.column > column
                                 or (line.column == column and _is_item(line.content)
                                     and not _is_item(owner.content))):
            return self.node(line.column)
        return Scalar("", *self.reader.at(owner.number, owner.end, owner.end))

    def _skip_deeper(self, column: int) -> None:
        """Continuation lines of a value already read (a multi-line flow or plain scalar)."""
        while self.i < len(self.lines) and self.lines[self.i].column > column:
            self.i += 1


def _is_item(content: str) -> bool:
    return content == "-" or content.startswith(("- ", "-\t"))


# --- JSON ------------------------------------------------------------------------------------

# One token at a time, with the whitespace before it, by the regex engine: a loop in
# Python over the tokens is many times faster than a descent over the characters, and has
# no depth limit. Groups: 1 a string, 2 punctuation, 3 a number, 4 a literal, 5 a comment.
_JSON_TOKEN = lazy_regex(r"""[ \t\r\n]*(?:
    ("[^"\\]*(?:\\.[^"\\]*)*")
  | ([{}\[\]:,])
  | (-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
  | (true|false|null)
  | (//[^\r\n]*|/\*.*?\*/)
)""", re.VERBOSE | re.DOTALL)
_STRING, _PUNCT, _COMMENT = 1, 2, 5
# The standard library's string scanner (C): decodes escapes. Not in the type stubs.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = (
    json.decoder.scanstring)  # type: ignore[attr-defined]


@dataclass
class _Open:
    """A JSON object or array being read."""

    start: int
    is_object: bool
    children: list[Any] = field(default_factory=list)
    key: Scalar | None = None


def _json(text: str, positions: Positions) -> tuple[Node, ...]:
    """The value of a JSON file (JSONC: comments, trailing commas), or ParseError."""
    stack: list[_Open] = []
    found: list[Node] = []
    expect = "value"
    scan = _JSON_TOKEN.scanner(text).match  # type: ignore[attr-defined]
    at = 0
    while (token := scan()) is not None:
        kind, at = token.lastindex, token.end()
        if kind == _COMMENT:
            continue
        piece, start = token.group(kind), token.start(kind)
        node: Node | None = None
        if expect == "end":
            raise ParseError("extra data after the value", start)
        if expect == "colon":
            if piece != ":":
                raise ParseError("expected ':' after a key", start)
            expect = "value"
        elif expect == "key":
            if kind == _STRING:
                stack[-1].key = _json_string(piece, start, positions)
                expect = "colon"
            elif piece == "}":
                node = _close(stack, at, positions)
            else:
                raise ParseError("expected a key in double quotes or '}'", start)
        elif expect == "next":
            top = stack[-1]
            if piece == ",":
                expect = "key" if top.is_object else "value or ]"  # a trailing comma: JSONC
            elif piece == ("}" if top.is_object else "]"):
                node = _close(stack, at, positions)
            else:
                raise ParseError("expected ',' or '}'" if top.is_object else "expected ',' or ']'",
                                 start)
        elif kind == _STRING:
            node = _json_string(piece, start, positions)
        elif kind != _PUNCT:
            node = Scalar(piece, start, at, positions)
        elif piece == "]" and expect == "value or ]":
            node = _close(stack, at, positions)
        elif piece in ("{", "["):
            stack.append(_Open(start, piece == "{"))
            expect = "key" if piece == "{" else "value or ]"
        else:
            raise ParseError("expected a value", start)
        if node is not None:
            if stack:
                top = stack[-1]
                top.children.append((top.key, node) if top.is_object else node)
                expect = "next"
            else:
                found.append(node)
                expect = "end"
    rest = len(text) - len(text[at:].lstrip(" \t\r\n"))
    if rest < len(text):
        problem = "unterminated string" if text[rest] == '"' else "unexpected character"
        raise ParseError(problem, rest)
    if stack:
        raise ParseError("unexpected end of file", len(text.rstrip()))
    return tuple(found)  # an empty file holds nothing to misread: no value, no problem


def _json_string(token: str, start: int, positions: Positions) -> Scalar:
    value = token[1:-1]
    if "\\" in token:
        try:
            value = _scanstring(token, 1, False)[0]
        except json.JSONDecodeError as exc:
            raise ParseError(exc.msg.lower(), start + exc.pos) from None
    return Scalar(value, start + 1, start + len(token) - 1, positions)


def _close(stack: list[_Open], end: int, positions: Positions) -> Node:
    done = stack.pop()
    if done.is_object:
        return Mapping(tuple(done.children), done.start, end, positions)
    return Sequence(tuple(done.children), done.start, end, positions)
