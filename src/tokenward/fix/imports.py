"""Imports a fix needs, put where isort and ruff (their default settings) would put them.

A new ``import os`` joins the standard-library section of the file's first import block,
in module order, ``import x`` before ``from x import y``; a section the block does not
have yet gets its own, one blank line from its neighbours; a file without imports gets
one block after its docstring and ``__future__`` imports, with the blank lines ruff wants
after it. A name from a module the file already imports from joins that statement in
ruff's member order (constants, classes, then the rest). Nothing is added twice.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from enum import IntEnum

import libcst as cst

from tokenward.analysis.python import dotted_name
from tokenward.fix.style import CodeStyle
from tokenward.records import record


@record
class NeededImport:
    module: str
    obj: str | None = None
    asname: str | None = None


class Section(IntEnum):
    FUTURE = 0
    STDLIB = 1
    THIRD_PARTY = 2
    FIRST_PARTY = 3
    LOCAL = 4


def section_of(module: str, relative: bool, style: CodeStyle) -> Section:
    top = module.split(".")[0]
    if relative:
        return Section.LOCAL
    if top == "__future__":
        return Section.FUTURE
    if top in sys.stdlib_module_names:
        return Section.STDLIB
    return Section.FIRST_PARTY if top in style.first_party else Section.THIRD_PARTY


Statement = cst.Import | cst.ImportFrom


def _statement(line: cst.CSTNode) -> Statement | None:
    """The import a top-level line holds alone, else None."""
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and \
            isinstance(line.body[0], cst.Import | cst.ImportFrom):
        return line.body[0]
    return None


def _module_name(statement: Statement) -> str:
    if isinstance(statement, cst.Import):
        return dotted_name(statement.names[0].name) or ""
    return dotted_name(statement.module) or ""


def _key(statement: Statement, style: CodeStyle) -> tuple[int, int, str]:
    name = _module_name(statement)
    relative = isinstance(statement, cst.ImportFrom) and bool(statement.relative)
    return (section_of(name, relative, style), isinstance(statement, cst.ImportFrom),
            name.lower())


def member_key(name: str) -> tuple[int, str]:
    """ruff's ``order-by-type``: CONSTANTS, then Classes, then the rest, each by name."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def _alias_local(alias: cst.ImportAlias) -> tuple[str, str | None]:
    asname = alias.asname.name if alias.asname is not None else None
    return dotted_name(alias.name) or "", (asname.value if isinstance(asname, cst.Name)
                                           else None)


def _provides(statement: Statement | None, need: NeededImport) -> bool:
    if isinstance(statement, cst.Import):
        return need.obj is None and any(_alias_local(a) == (need.module, need.asname)
                                        for a in statement.names)
    if statement is None or need.obj is None or statement.relative or \
            _module_name(statement) != need.module:
        return False
    return isinstance(statement.names, cst.ImportStar) or any(
        _alias_local(a) == (need.obj, need.asname) for a in statement.names)


def _present(body: Sequence[cst.BaseStatement], need: NeededImport) -> bool:
    return any(_provides(_statement(line), need) for line in body)


def _alias(need: NeededImport) -> cst.ImportAlias:
    assert need.obj is not None
    asname = cst.AsName(cst.Name(need.asname)) if need.asname else None
    return cst.ImportAlias(cst.Name(need.obj), asname=asname)


def _joined(statement: cst.ImportFrom, need: NeededImport) -> cst.ImportFrom:
    """``from m import a, c`` + b -> ``from m import a, b, c`` (appended when the names
    were not in order), keeping a parenthesised, one-name-a-line layout."""
    assert not isinstance(statement.names, cst.ImportStar) and need.obj is not None
    names = list(statement.names)
    keys = [member_key(_alias_local(a)[0]) for a in names]
    index = len(names)
    if keys == sorted(keys):
        index = next((i for i, k in enumerate(keys) if k > member_key(need.obj)), len(names))
    last_comma = names[-1].comma
    between = next((a.comma for a in names[:-1] if isinstance(a.comma, cst.Comma)), None)
    if between is None:
        spread = statement.lpar is not None and isinstance(
            statement.lpar.whitespace_after, cst.ParenthesizedWhitespace)
        between = cst.Comma(whitespace_after=statement.lpar.whitespace_after
                            if spread and statement.lpar is not None
                            else cst.SimpleWhitespace(" "))
    new = _alias(need)
    if index == len(names):
        names[-1] = names[-1].with_changes(comma=between)
        names.append(new.with_changes(comma=last_comma))
    else:
        names.insert(index, new.with_changes(comma=between))
    return statement.with_changes(names=names)


def _new_line(need: NeededImport) -> cst.SimpleStatementLine:
    if need.obj is None:
        alias = cst.ImportAlias(cst.parse_expression(need.module),  # type: ignore[arg-type]
                                asname=cst.AsName(cst.Name(need.asname)) if need.asname
                                else None)
        return cst.SimpleStatementLine([cst.Import([alias])])
    module = cst.parse_expression(need.module)
    assert isinstance(module, cst.Name | cst.Attribute)
    return cst.SimpleStatementLine([cst.ImportFrom(module=module, names=[_alias(need)])])


def _blanks(lines: Sequence[cst.EmptyLine]) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """Leading lines split into the blank ones before the first comment, and the rest."""
    count = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
    return list(lines[:count]), list(lines[count:])


def _is_docstring(line: cst.BaseStatement) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and \
        isinstance(line.body[0], cst.Expr) and \
        isinstance(line.body[0].value, cst.SimpleString | cst.ConcatenatedString)


def _blank_lines_after_imports(line: cst.BaseStatement) -> int:
    """ruff: two blank lines before a function or class after imports, else one."""
    return 2 if isinstance(line, cst.FunctionDef | cst.ClassDef) else 1


def import_block_end(body: Sequence[cst.BaseStatement]) -> int:
    """The index of the first statement after the file's first import block (which
    follows the docstring, if any)."""
    end = 1 if body and _is_docstring(body[0]) else 0
    while end < len(body) and _statement(body[end]) is not None:
        end += 1
    return end


def _insert(body: list[cst.BaseStatement], need: NeededImport, style: CodeStyle
            ) -> list[cst.BaseStatement]:
    start = 1 if body and _is_docstring(body[0]) else 0
    while start < len(body) and (s := _statement(body[start])) is not None and \
            _key(s, style)[0] == Section.FUTURE:
        start += 1
    end = import_block_end(body)
    new = _new_line(need)
    probe = new.body[0]
    assert isinstance(probe, cst.Import | cst.ImportFrom)
    key = _key(probe, style)
    keys = [_key(s, style) for s in map(_statement, body[start:end]) if s is not None]
    at = start + next((i for i, k in enumerate(keys) if k > key), len(keys))
    before = keys[at - start - 1][0] if at > start else None
    after = keys[at - start][0] if at < end else None
    out = list(body)
    if start == end:  # no import block yet: a new one
        following = body[start] if start < len(body) else None
        blanks, rest = _blanks(following.leading_lines) if isinstance(
            following, cst.SimpleStatementLine | cst.BaseCompoundStatement) else ([], [])
        lead = blanks if start > 0 else []
        if start > 0 and _statement(body[start - 1]) is not None and not lead:
            lead = [cst.EmptyLine()]  # after the __future__ imports: a section of their own
        out.insert(start, new.with_changes(leading_lines=lead))
        if following is not None:
            gap = [cst.EmptyLine()] * _blank_lines_after_imports(following)
            out[start + 1] = following.with_changes(leading_lines=[*gap, *rest])
        return out
    if before == key[0]:
        out.insert(at, new)
    elif after == key[0]:
        following = body[at]
        assert isinstance(following, cst.SimpleStatementLine)
        out[at] = following.with_changes(leading_lines=[])
        out.insert(at, new.with_changes(leading_lines=following.leading_lines))
    elif before is not None:  # a section of its own after an earlier one
        out.insert(at, new.with_changes(leading_lines=[cst.EmptyLine()]))
        if at < end:
            following = body[at]
            assert isinstance(following, cst.SimpleStatementLine)
            blanks, rest = _blanks(following.leading_lines)
            out[at + 1] = following.with_changes(leading_lines=[*(blanks or [cst.EmptyLine()]),
                                                                *rest])
    else:  # the first section of the block
        following = body[at]
        assert isinstance(following, cst.SimpleStatementLine)
        blanks, rest = _blanks(following.leading_lines)
        if not blanks and at > 0 and _statement(body[at - 1]) is not None:
            blanks = [cst.EmptyLine()]  # after the __future__ imports
        out[at] = following.with_changes(leading_lines=[cst.EmptyLine(), *rest])
        out.insert(at, new.with_changes(leading_lines=blanks))
    return out


def add_imports(module: cst.Module, needs: Iterable[NeededImport], style: CodeStyle
                ) -> cst.Module:
    """``module`` with every import in ``needs`` it does not have yet, placed as isort
    would place it."""
    body: list[cst.BaseStatement] = list(module.body)
    for need in dict.fromkeys(needs):
        if _present(body, need):
            continue
        if need.obj is not None:
            index = next((i for i, line in enumerate(body)
                          if isinstance(s := _statement(line), cst.ImportFrom)
                          and not s.relative and not isinstance(s.names, cst.ImportStar)
                          and _module_name(s) == need.module), None)
            if index is not None:
                line = body[index]
                assert isinstance(line, cst.SimpleStatementLine)
                statement = line.body[0]
                assert isinstance(statement, cst.ImportFrom)
                body[index] = line.with_changes(body=[_joined(statement, need)])
                continue
        body = _insert(body, need, style)
    return module.with_changes(body=body)


def same_start(original: cst.Module, module: cst.Module) -> cst.Module:
    """``module`` without the blank lines its first statement got (removing the imports
    above it leaves them) when ``original`` did not start with blank lines."""
    before, after = original.body, list(module.body)
    if not before or not after or not isinstance(
            after[0], cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return module
    had = _blanks(before[0].leading_lines)[0] if isinstance(
        before[0], cst.SimpleStatementLine | cst.BaseCompoundStatement) else []
    blanks, rest = _blanks(after[0].leading_lines)
    if had or not blanks:
        return module
    return module.with_changes(body=[after[0].with_changes(leading_lines=rest), *after[1:]])
