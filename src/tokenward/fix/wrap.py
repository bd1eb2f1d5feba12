"""Lines a rewrite made too long, wrapped the way black would wrap them.

Only a statement that fitted before the rewrite and is one line after it is wrapped (a
layout the author chose across lines is left alone). While a line is too long, the
outermost bracket pair on it that can be split (a call's arguments, a dict, list, set or
parenthesised tuple; never inside a string) is opened: its contents on one indented line
if that fits, else one element a line with a trailing comma; the lines that gives are
then treated the same way. On a line with no such bracket, the value of an assignment or
a ``return`` goes in parentheses of its own. The result is kept when it fits, or at least
shortens the longest line; otherwise the statement stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

Render = Callable[[cst.CSTNode], str]
_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


def _break(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), empty_lines=[],
                                       indent=False, last_line=cst.SimpleWhitespace(indent))


def _items(node: cst.CSTNode) -> list[Any]:
    if isinstance(node, cst.Call):
        return list(node.args)
    return list(getattr(node, "elements", ()))


def _splittable(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Tuple) and not node.lpar:
        return False
    return isinstance(node, cst.Call | cst.Dict | cst.List | cst.Set | cst.Tuple) and \
        bool(_items(node))


def _candidates(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Bracket pairs in source order, outermost first; strings are never entered."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _STRINGS):
            continue
        if _splittable(node):
            yield node
        stack.extend(reversed(node.children))


def _split(node: cst.CSTNode, indent: str, unit: str, *, one_a_line: bool) -> cst.CSTNode:
    """``node`` with its brackets opened: the items on their own line(s) at ``indent +
    unit``, the closing bracket back at ``indent``."""
    inner, items = _break(indent + unit), _items(node)
    spaced = cst.Comma(whitespace_after=_break(indent + unit) if one_a_line
                       else cst.SimpleWhitespace(" "))
    new_items = [item.with_changes(comma=spaced) for item in items[:-1]]
    last = items[-1].with_changes(comma=cst.Comma() if one_a_line else cst.MaybeSentinel.DEFAULT)
    closing = _break(indent)
    if isinstance(node, cst.Call):
        new_items.append(last.with_changes(whitespace_after_arg=closing))
        return node.with_changes(whitespace_before_args=inner, args=new_items)
    new_items.append(last)
    if isinstance(node, cst.Dict | cst.Set):
        return node.with_changes(elements=new_items,
                                 lbrace=node.lbrace.with_changes(whitespace_after=inner),
                                 rbrace=node.rbrace.with_changes(whitespace_before=closing))
    if isinstance(node, cst.List):
        return node.with_changes(
            elements=new_items, lbracket=node.lbracket.with_changes(whitespace_after=inner),
            rbracket=node.rbracket.with_changes(whitespace_before=closing))
    assert isinstance(node, cst.Tuple)
    lpar, rpar = list(node.lpar), list(node.rpar)
    lpar[0] = lpar[0].with_changes(whitespace_after=inner)
    rpar[-1] = rpar[-1].with_changes(whitespace_before=closing)
    return node.with_changes(elements=new_items, lpar=lpar, rpar=rpar)


class _Swap(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        super().__init__()
        self.old, self.new = old, new

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode  # type: ignore[override]
                 ) -> cst.CSTNode:
        return self.new if original_node is self.old else updated_node


def _parenthesized(line: cst.SimpleStatementLine, indent: str, unit: str
                   ) -> cst.SimpleStatementLine | None:
    small = line.body[0]
    value = getattr(small, "value", None)
    if not isinstance(small, cst.Assign | cst.AnnAssign | cst.Return) or \
            not isinstance(value, cst.BaseExpression) or value.lpar:
        return None
    wrapped = value.with_changes(
        lpar=[cst.LeftParen(whitespace_after=_break(indent + unit))],
        rpar=[cst.RightParen(whitespace_before=_break(indent))])
    return line.with_changes(body=[small.with_changes(value=wrapped)])


def _lengths(line: cst.SimpleStatementLine, indent: str, render: Render) -> list[int]:
    lines = (indent + render(line.with_changes(leading_lines=[]))).rstrip("\r\n").splitlines()
    return [len(text) for text in lines]


def longest(line: cst.SimpleStatementLine, indent: str, render: Render) -> int:
    return max(_lengths(line, indent, render))


def _next_split(line: cst.SimpleStatementLine, indent: str, unit: str, limit: int,
                render: Render) -> cst.SimpleStatementLine | None:
    """``line`` with one more bracket opened on its first line that is too long."""
    lengths = _lengths(line, indent, render)
    wrapper = MetadataWrapper(cst.Module(body=[line]), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    code = render(line.with_changes(leading_lines=[])).splitlines()
    for node in _candidates(line.body[0]):
        where = positions[node]
        number = where.start.line
        if where.end.line != number or lengths[number - 1] <= limit:
            continue
        here = indent if number == 1 else code[number - 1][: len(code[number - 1])
                                                            - len(code[number - 1].lstrip())]
        hugged = line.visit(_Swap(node, _split(node, here, unit, one_a_line=False)))
        assert isinstance(hugged, cst.SimpleStatementLine)
        if max(_lengths(hugged, indent, render)[number - 1: number + 2]) <= limit:
            return hugged
        spread = line.visit(_Swap(node, _split(node, here, unit, one_a_line=True)))
        assert isinstance(spread, cst.SimpleStatementLine)
        return spread
    if lengths[0] > limit:
        return _parenthesized(line, indent, unit)
    return None


def wrapped(line: cst.SimpleStatementLine, indent: str, unit: str, limit: int,
            render: Render) -> cst.SimpleStatementLine:
    """``line`` (at ``indent``) within ``limit`` characters, as far as splits get it."""
    if len(line.body) != 1 or len(_lengths(line, indent, render)) != 1:
        return line
    current = line
    while longest(current, indent, render) > limit:
        split = _next_split(current, indent, unit, limit, render)
        if split is None:
            break
        current = split
    return current if longest(current, indent, render) < longest(line, indent, render) \
        else line
