"""Small syntax helpers for rules that look at Python through libcst: names, literals,
arguments, the import table and the source ranges of string literals.

What a name is bound to, what a call resolves to and where a value flows are the file's
analysis (:mod:`tokenward.analysis.flow`, ``source.analysis``).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from tokenward.analysis.source import NodeIndex, Source
from tokenward.model import Span
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def last_name(node: cst.BaseExpression | None) -> str | None:
    """The last part of a dotted name or subscript key: ``self.api_key`` -> ``api_key``,
    ``config["token"]`` -> ``token``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            return string_value(index.value)
    return None


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (or implicit concatenation), else None.

    Bytes literals and f-strings are not plain strings: None.
    """
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        try:
            value = node.evaluated_value
        except Exception:  # invalid escapes in odd code: not a usable literal
            return None
        return value if isinstance(value, str) else None
    return None


def int_value(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        left, right = int_value(node.left), int_value(node.right)
        return None if left is None or right is None else left * right
    return None


@record
class ImportTable:
    """Local name -> qualified name, from every import in the file. A relative import
    keeps its dots (``from .utils import random`` -> ``.utils.random``): it is not the
    standard library's module of that name."""

    names: dict[str, str]

    @classmethod
    def of(cls, index: NodeIndex) -> ImportTable:
        names: dict[str, str] = {}
        for imp in index.of(cst.Import):
            for alias in imp.names:
                full = dotted_name(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    names[alias.asname.name.value] = full
                else:
                    top = full.split(".")[0]
                    names.setdefault(top, top)
        for imp_from in index.of(cst.ImportFrom):
            if isinstance(imp_from.names, cst.ImportStar):
                continue
            module = "." * len(imp_from.relative) + (dotted_name(imp_from.module) or "")
            if module and not module.endswith("."):
                module += "."
            for alias in imp_from.names:
                name = dotted_name(alias.name) or ""
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                names[local] = f"{module}{name}"
        return cls(names)

    def resolve(self, node: cst.BaseExpression | None) -> str | None:
        """The qualified dotted name of an expression, through the imports."""
        name = dotted_name(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.names:
            full = self.names[head]
            return f"{full}.{rest}" if rest else full
        return name


def subtree(node: cst.CSTNode, limit: int = 500) -> list[cst.CSTNode]:
    """``node`` and the nodes below it, at most ``limit`` (an argument, an operand: small
    expressions; the limit keeps a generated giant literal from costing a walk)."""
    out: list[cst.CSTNode] = []
    stack = [node]
    while stack and len(out) < limit:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def in_dead_import_fallback(source: Source, node: cst.CSTNode) -> bool:
    """Whether ``node`` is in the ``except ImportError:`` branch of a ``try`` that imports
    only from the standard library (``try: from secrets import token_hex`` / ``except
    ImportError: <a random-based stand-in>``): that branch never runs on a Python this
    code can run on, so what it makes is never used."""
    assert source.index is not None
    child, parent = node, source.index.parent(node)
    while parent is not None:
        if isinstance(parent, cst.ExceptHandler) and child is parent.body \
                and _catches_import_error(parent):
            attempt = source.index.parent(parent)
            if isinstance(attempt, cst.Try) and _imports_only_stdlib(attempt.body):
                return True
        child, parent = parent, source.index.parent(parent)
    return False


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    caught = handler.type
    names = ([e.value for e in caught.elements] if isinstance(caught, cst.Tuple)
             else [caught] if caught is not None else [])
    return any(last_name(n) in _IMPORT_ERRORS for n in names)


def _imports_only_stdlib(body: cst.BaseSuite) -> bool:
    modules: list[str] = []
    for line in body.body if isinstance(body, cst.IndentedBlock) else ():
        for statement in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            if isinstance(statement, cst.ImportFrom) and statement.module is not None \
                    and not statement.relative:
                modules.append(dotted_name(statement.module) or "")
            elif isinstance(statement, cst.Import):
                modules += [dotted_name(a.name) or "" for a in statement.names]
    return bool(modules) and all(m.split(".")[0] in sys.stdlib_module_names for m in modules)


def call_name(source: Source, call: cst.Call) -> str | None:
    """The qualified name of the called function (``random.choice``, ``jwt.encode``)."""
    return source.analysis.qualified(call.func)


def only_passed_as(source: Source, name: str, keyword_name: str) -> bool:
    """Whether the module reads ``name`` (a bare name or an attribute ``x.name``) at least
    once, and every read is the value of a ``keyword_name=`` argument."""
    index = source.index
    if index is None:
        return False
    reads = 0
    for node in index.of(cst.Name):
        if node.value != name:
            continue
        up = index.parent(node)
        expr = up if isinstance(up, cst.Attribute) and up.attr is node else node
        holder = index.parent(expr)
        if isinstance(holder, cst.AssignTarget | cst.AnnAssign) and holder.target is expr:
            continue  # where it is bound, not read
        if not (isinstance(holder, cst.Arg) and holder.keyword is not None
                and holder.keyword.value == keyword_name):
            return False
        reads += 1
    return reads > 0


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def positional(call: cst.Call, index: int) -> cst.Arg | None:
    plain = [a for a in call.args if a.keyword is None and not a.star]
    return plain[index] if index < len(plain) else None


def argument(call: cst.Call, index: int, name: str) -> cst.Arg | None:
    """A call's argument by keyword, else by position."""
    return keyword(call, name) or positional(call, index)


def literal_pieces(node: cst.CSTNode) -> list[cst.SimpleString | cst.FormattedStringText]:
    """The pieces of source text a string literal is written in, in order: each string
    of an implicit concatenation, the text parts of an f-string."""
    if isinstance(node, cst.ConcatenatedString):
        return [*literal_pieces(node.left), *literal_pieces(node.right)]
    if isinstance(node, cst.SimpleString):
        return [node]
    if isinstance(node, cst.FormattedString):
        return [p for p in node.parts if isinstance(p, cst.FormattedStringText)]
    return []


@record
class _Piece:
    raw: str  # the source text between the quotes
    value: str  # what it evaluates to (escapes decoded)
    line: int  # where ``raw`` starts
    column: int


def _piece(source: Source, node: cst.SimpleString | cst.FormattedStringText) -> _Piece:
    span = source.span(node)
    if isinstance(node, cst.FormattedStringText):
        return _Piece(node.value, node.value, span.line, span.column)
    try:
        value = node.evaluated_value
    except Exception:  # invalid escapes: judged by the raw text
        value = node.raw_value
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return _Piece(node.raw_value, text, span.line,
                  span.column + len(node.prefix) + len(node.quote))


def _after(line: int, column: int, text: str) -> tuple[int, int]:
    """The position just after ``text`` written from (line, column)."""
    rows = re.split(r"\r\n|\r|\n", text)
    if len(rows) == 1:
        return line, column + len(text)
    return line + len(rows) - 1, len(rows[-1]) + 1


def _range(piece: _Piece, start: int, end: int) -> Span:
    line, column = _after(piece.line, piece.column, piece.raw[:start])
    end_line, end_column = _after(piece.line, piece.column, piece.raw[:end])
    return Span(line, column, end_line, end_column)


def secret_spans(source: Source, node: cst.CSTNode, secret: str) -> tuple[Span, ...]:
    """Where the literal ``node`` spells ``secret``, for redaction.

    The exact range when one piece spells it as is (the password inside a URL); else
    the whole text of every piece that holds part of its value: escapes and implicit
    concatenation spell a value differently from what it is. Empty for a node that is
    not a literal (the engine then looks for the value's spellings on the line).
    """
    pieces = [_piece(source, p) for p in literal_pieces(node)]
    for piece in pieces:
        at = piece.raw.find(secret)
        if at >= 0:
            return (_range(piece, at, at + len(secret)),)
    joined = "".join(p.value for p in pieces)
    at = joined.find(secret)
    first, last = (at, at + len(secret)) if at >= 0 else (0, len(joined))
    spans: list[Span] = []
    offset = 0
    for piece in pieces:
        start, offset = offset, offset + len(piece.value)
        if start < last and first < offset:
            spans.append(_range(piece, 0, len(piece.raw)))
    return tuple(s for s in spans if (s.line, s.column) != (s.end_line, s.end_column))
