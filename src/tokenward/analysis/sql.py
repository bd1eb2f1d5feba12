"""SQL written in Python strings: the column an ``INSERT`` fills with each value it is given.

``c.execute("INSERT INTO users (username, password) VALUES ('%s', '%s')" % (u, p))`` puts
``p`` in the ``password`` column: a literal that reaches that place is a password written
in the code (vulpy's seeded accounts), whatever the name it was bound to on the way. The
values reach the statement by ``%`` formatting, ``str.format`` or the parameters of
``execute``/``executemany``; the n-th placeholder of the ``VALUES`` list takes the n-th
value given.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tokenward.analysis.vocabulary import secret_kind
from tokenward.lazy import lazy_regex

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis.source import Source
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

# ``INSERT [OR REPLACE] INTO table (columns) VALUES (values)``: one row, a column list.
_INSERT = lazy_regex(r"\binsert\s+(?:or\s+\w+\s+)?into\s+[\w.\"`\[\]]+\s*\(([^()]*)\)\s*"
                     r"values\s*\((.*)\)", re.IGNORECASE | re.DOTALL)
# The placeholders a value is put in by position: ``%s`` (and ``'%d'``), ``?``, ``{}``.
_PLACEHOLDER = lazy_regex(r"%[sdrfi]|\?|\{\d*\}")
# The methods that run a statement with its parameters (DB-API cursors, SQLAlchemy's
# ``exec_driver_sql``, Django's ``raw``, peewee's ``execute_sql``).
STATEMENT_RUNNERS = frozenset({"execute", "executemany", "exec_driver_sql", "raw",
                               "execute_sql"})


def insert_columns(sql: str) -> list[str] | None:
    """The column each positional placeholder of an ``INSERT`` fills, in order (lower
    case); None for a text that is no such statement, or whose lists do not pair up."""
    match = _INSERT.search(sql)
    if match is None:
        return None
    columns = [c.strip().strip("\"`[]").lower() for c in match.group(1).split(",")]
    values = _top_level(match.group(2))
    if len(values) != len(columns):
        return None
    return [column for column, value in zip(columns, values, strict=True)
            for _ in _PLACEHOLDER.findall(value)]


def inserts_credential(sql: str) -> bool:
    """Whether an ``INSERT`` puts a value given to it in a credential's column (a cheap
    test on a string, for the screens)."""
    columns = insert_columns(sql)
    return columns is not None and any(secret_kind(c) for c in columns)


def _top_level(values: str) -> list[str]:
    """``NULL, ?, DateTime('now')`` split at its top-level commas (quotes and parentheses
    kept whole)."""
    parts, depth, quote, start = [], 0, "", 0
    for position, char in enumerate(values):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(values[start:position])
            start = position + 1
    parts.append(values[start:])
    return parts


def inserted_column(source: Source, node: cst.CSTNode) -> str | None:
    """The column an ``INSERT`` statement written in this file puts ``node`` in, when
    ``node`` is one of the values given to it: an element of the tuple after ``%``, an
    argument of ``.format``, an element of the parameters of ``execute``."""
    index = source.index
    assert index is not None
    parent = index.parent(node)
    if isinstance(parent, cst.Arg) and parent.keyword is None and not parent.star:
        call = index.parent(parent)
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
                and call.func.attr.value == "format":
            given = [a for a in call.args if a.keyword is None]
            return _column(source, call.func.value, given.index(parent))
        return None
    if not isinstance(parent, cst.Element):
        return None
    values = index.parent(parent)
    if not isinstance(values, cst.Tuple | cst.List):
        return None
    position = next(i for i, e in enumerate(values.elements) if e is parent)
    holder = index.parent(values)
    if isinstance(holder, cst.BinaryOperation) and isinstance(holder.operator, cst.Modulo) \
            and holder.right is values:
        return _column(source, holder.left, position)
    if isinstance(holder, cst.Arg) and holder.keyword is None:
        call = index.parent(holder)
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
                and call.func.attr.value in STATEMENT_RUNNERS and len(call.args) > 1 \
                and call.args[1] is holder:
            return _column(source, call.args[0].value, position)
    return None


def _column(source: Source, statement: cst.BaseExpression, position: int) -> str | None:
    from tokenward.analysis.python import string_value

    sql = string_value(source.analysis.resolve(statement))
    columns = insert_columns(sql) if sql is not None else None
    return columns[position] if columns is not None and position < len(columns) else None
