"""Python's own parser (``ast``) over what libcst reads: exception tuples without
parentheses (``except HTTPError, e:``).

libcst reads ``except A, B:`` as the tuple ``(A, B)`` (Python 3.14's grammar, PEP 758,
and every Python 2 ``except A, e:``); the ``ast`` of Python 3.13 and older refuses it. A
file ``ast`` refuses passes every screen and costs a libcst parse (with its index, about
ten times the ``ast`` parse) only to learn that no rule fires: in a history scan of flask,
12 of the 25 libcst parses were old versions of modules with such a clause. Here the
clauses are put in parentheses, the text parsed again, and every column moved back to the
file's own text, so the tree is the one libcst reads and its positions are the file's.
"""

from __future__ import annotations

import ast
import tokenize
import warnings
from collections.abc import Iterator

_BARE_TUPLE = "multiple exception types must be parenthesized"
# A file with more such clauses than this is left to libcst: each costs a parse.
_MOST_CLAUSES = 32


def parse_python(text: str) -> ast.Module:
    """``ast.parse(text)``, reading bare exception tuples as libcst does. SyntaxError
    (the first one, as Python reports it) when the file is not Python either way."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning: not the user's question here
        try:
            return ast.parse(text)
        except SyntaxError as exc:
            if exc.msg != _BARE_TUPLE:
                raise
            first = exc
        # Here, not at the top: source.py, which parses with this module, defines it.
        from tokenward.analysis.source import split_lines

        lines = split_lines(text, keepends=True)
        # Line number -> the UTF-8 columns of the parentheses put in it (in the edited line).
        added: dict[int, list[int]] = {}
        for _ in range(_MOST_CLAUSES):
            if not _parenthesize(lines, first, added):
                break
            try:
                tree = ast.parse("".join(lines))
            except SyntaxError as exc:
                if exc.msg != _BARE_TUPLE:
                    raise first from None
                first = exc
                continue
            _shift_back(tree, added)
            return tree
        raise first


def _parenthesize(lines: list[str], error: SyntaxError, added: dict[int, list[int]]
                  ) -> bool:
    """Put the tuple ``error`` points at (from its first element to the ``:`` of its
    clause) in parentheses, in place; False when that ``:`` cannot be found."""
    if error.lineno is None or error.offset is None or not 0 < error.lineno <= len(lines):
        return False
    start_line, start = error.lineno, error.offset - 1
    colon = _clause_colon(lines, start_line, start)
    if colon is None:
        return False
    if start_line in added or colon[0] in added:
        return False  # one clause per line: an edited line is not edited again
    opening, closing = (start_line, start), colon
    inserted: dict[int, list[int]] = {}
    for line, column in sorted([opening, closing], reverse=True):  # the later one first
        text = lines[line - 1]
        mark = "(" if (line, column) == opening else ")"
        lines[line - 1] = f"{text[:column]}{mark}{text[column:]}"
        inserted.setdefault(line, []).append(len(text[:column].encode()))
    for line, columns in inserted.items():
        added[line] = _edited_columns(sorted(columns))
    return True


def _clause_colon(lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """Where the ``:`` that ends the ``except`` clause whose types start at (``line``,
    ``column``) stands: the first one outside brackets, strings and comments."""
    def rest() -> Iterator[str]:
        yield lines[line - 1][column:]
        yield from lines[line:]

    depth = 0
    readline = rest().__next__
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0:
                row, col = token.start
                return line + row - 1, col + (column if row == 1 else 0)
    except (tokenize.TokenError, SyntaxError, StopIteration):
        return None
    return None


def _edited_columns(original: list[int]) -> list[int]:
    """The columns, in the edited line, of characters inserted at these (sorted) columns
    of the original: each earlier one moved the later ones right by one."""
    return [column + number for number, column in enumerate(original)]


def _shift_back(tree: ast.AST, added: dict[int, list[int]]) -> None:
    """Move every column on an edited line back to the file's own text."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.expr | ast.stmt | ast.excepthandler | ast.arg
                          | ast.keyword | ast.alias | ast.pattern):
            continue  # no position (a context, an operator)
        if node.lineno in added:
            node.col_offset = _moved_back(node.col_offset, added[node.lineno])
        if node.end_lineno in added and node.end_col_offset is not None:
            node.end_col_offset = _moved_back(node.end_col_offset, added[node.end_lineno])


def _moved_back(column: int, inserted: list[int]) -> int:
    return column - len([c for c in inserted if c < column])
