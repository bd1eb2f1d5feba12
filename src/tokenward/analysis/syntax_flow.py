"""Where a Python file's names may get their values, read loosely from its ``ast`` tree.

For the rules' screens (``Rule.screens``): before a rule asks for the libcst tree and its
semantic model (analysis/flow.py), it may ask here whether the file could hold what it
looks for at all. Every answer is a superset of the model's: a name is followed to every
value the file binds to that identifier anywhere (a name, an attribute or an item of it,
in any scope), and a call's name is taken both as spelt and through every import that
binds its head. A screen built on these answers lets through every file the rule could
fire on.
"""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from tokenward.records import record

if TYPE_CHECKING:
    from tokenward.analysis.source import Source


@record
class SyntaxFlow:
    """A file's ``ast`` tree with its imports, its bound values and its functions' returns,
    each by identifier."""

    tree: ast.Module
    # local name -> every qualified name an import binds it to
    imports: Mapping[str, frozenset[str]]
    # identifier -> every value bound to a name, attribute or item with that last name
    values: Mapping[str, tuple[ast.expr, ...]]
    # function name -> every value a ``return`` of a function so named gives
    returns: Mapping[str, tuple[ast.expr, ...]]

    def qualified(self, node: ast.expr) -> frozenset[str]:
        """:func:`qualified` through this file's imports."""
        return qualified(node, self.imports)

    def reachable(self, node: ast.expr) -> Iterator[ast.expr]:
        """Every value ``Analysis.resolve`` could end at from ``node`` (a name or an
        attribute), and every value on the way: bindings are followed through names and
        attributes, each identifier once."""
        seen: set[str] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            identifier = last_identifier(current)
            if identifier is None or identifier in seen:
                continue
            seen.add(identifier)
            for value in self.values.get(identifier, ()):
                yield value
                if isinstance(value, ast.Name | ast.Attribute):
                    stack.append(value)

    def dict_keys(self, node: ast.expr) -> Iterator[str]:
        """Every key ``credentials.dict_items`` could yield for ``node``: the string keys of
        a dict literal, the keywords of ``dict(...)``, through names and through the dicts a
        same-module function of the called name returns."""
        for value in (node, *self.reachable(node)) if _follows(node) else (node,):
            if isinstance(value, ast.Dict):
                yield from dict_literal_keys(value)
            elif isinstance(value, ast.Call):
                if isinstance(value.func, ast.Name) and value.func.id == "dict":
                    yield from (k.arg for k in value.keywords if k.arg is not None)
                else:
                    yield from self.returned_dict_keys(value)

    def returned_dict_keys(self, call: ast.Call) -> Iterator[str]:
        """The string keys of every dict literal a function named like the callee
        returns (``credentials.returned_dict``: ``def _auth(): return {...}``)."""
        name = last_identifier(call.func)
        for value in self.returns.get(name or "", ()):
            if isinstance(value, ast.Dict):
                yield from dict_literal_keys(value)


def syntax_flow(source: Source) -> SyntaxFlow | None:
    """The file's :class:`SyntaxFlow`, built once, or None when ``ast`` cannot screen it
    (``Source.syntax``)."""
    return source.fact(_build)


def _build(source: Source) -> SyntaxFlow | None:
    tree = source.syntax
    if tree is None:
        return None
    values: dict[str, list[ast.expr]] = {}
    returns: dict[str, list[ast.expr]] = {}
    returned = _Returns(source.syntax_of(ast.Return))
    for node in source.syntax_of(ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.withitem,
                                 ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _bind(values, target, node.value)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
            if node.value is not None:
                _bind(values, node.target, node.value)
        elif isinstance(node, ast.withitem):
            if node.optional_vars is not None:
                _bind(values, node.optional_vars, node.context_expr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # Nested functions' returns too: a superset of the function's own.
            returns.setdefault(node.name, []).extend(returned.inside(node))
    return SyntaxFlow(tree, import_table(source), {k: tuple(v) for k, v in values.items()},
                      {k: tuple(v) for k, v in returns.items()})


class _Returns:
    """A file's ``return`` values, found by where they stand: a function's are those that
    start inside its span (a statement there is in its body), in the order ``ast.walk``
    of the function lists them. Walking each function cost more than the file's parse."""

    def __init__(self, nodes: list[ast.Return]) -> None:
        # (line, column, place in the file's breadth-first order, value), by position.
        self._placed = sorted((node.lineno, node.col_offset, number, node.value)
                              for number, node in enumerate(nodes) if node.value is not None)
        self._starts = [(line, column) for line, column, _, _ in self._placed]

    def inside(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
        low = bisect_left(self._starts, (function.lineno, function.col_offset))
        high = bisect_right(self._starts, (function.end_lineno or function.lineno,
                                           function.end_col_offset or 0))
        # The file's breadth-first order, restricted to one function, is the function's.
        return [value for _, _, _, value in sorted(self._placed[low:high],
                                                   key=lambda placed: placed[2])]


def import_table(source: Source) -> Mapping[str, frozenset[str]]:
    """Local name -> every qualified name an import of the file binds it to (empty when
    ``ast`` cannot read the file), built once per file for the screens."""
    return source.fact(_import_table)


def _import_table(source: Source) -> Mapping[str, frozenset[str]]:
    imports: dict[str, set[str]] = {}
    for node in source.syntax_of(ast.Import, ast.ImportFrom):
        for local, full in imported_names(node):
            imports.setdefault(local, set()).add(full)
    return {local: frozenset(full) for local, full in imports.items()}


def qualified_names(name: str, imports: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """``ImportTable.resolve`` over ``ast``, loosened: the dotted ``name`` as spelt, and
    through each import that binds its head."""
    head, _, rest = name.partition(".")
    return frozenset({name, *(f"{full}.{rest}" if rest else full
                              for full in imports.get(head, ()))})


def imported_names(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(local name, qualified name) for each name an import binds, as ``ImportTable``
    reads them (a relative import keeps its dots)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            yield local, alias.name if alias.asname else local
        return
    module = "." * node.level + (node.module or "")
    if module and not module.endswith("."):
        module += "."
    for alias in node.names:
        if alias.name != "*":
            yield alias.asname or alias.name, f"{module}{alias.name}"


def _bind(values: dict[str, list[ast.expr]], target: ast.expr, value: ast.expr) -> None:
    """Record ``value`` under the target's identifier. Unpacking (``a, b = x, y``) binds
    each name to every element (the model pairs them; a superset); from anything but a
    tuple or list it binds no value the model follows."""
    if isinstance(target, ast.Tuple | ast.List):
        if isinstance(value, ast.Tuple | ast.List):
            for element in target.elts:
                for held in value.elts:
                    _bind(values, element, held.value if isinstance(held, ast.Starred)
                          else held)
        return
    if isinstance(target, ast.Subscript):  # d["k"] = v: the model binds it under ``d``
        target = target.value
    identifier = last_identifier(target)
    if identifier is not None:
        values.setdefault(identifier, []).append(value)


def _follows(node: ast.expr) -> bool:
    return isinstance(node, ast.Name | ast.Attribute)


def qualified(node: ast.expr, imports: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """Every qualified name of a dotted expression (``ImportTable.resolve``, loosened: the
    name as spelt, and through each import of its head); empty when not dotted."""
    name = dotted(node)
    return frozenset() if name is None else qualified_names(name, imports)


def positional(call: ast.Call) -> list[ast.expr]:
    """A call's positional arguments, a ``*args`` left out (``python.positional``)."""
    return [arg for arg in call.args if not isinstance(arg, ast.Starred)]


def argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """A call's argument by keyword, else by position (``python.argument``)."""
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    plain = positional(call)
    return plain[position] if position < len(plain) else None


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None (``python.dotted_name``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def last_identifier(node: ast.expr) -> str | None:
    """The identifier a name or attribute ends in (``self.api_key`` -> ``api_key``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def last_name(node: ast.expr) -> str | None:
    """``python.last_name`` over ``ast``: the last part of a dotted name or a subscript's
    string key (``config["token"]`` -> ``token``)."""
    if isinstance(node, ast.Subscript):
        return string_value(node.slice)
    return last_identifier(node)


def string_value(node: ast.expr | None) -> str | None:
    """The value of a string literal (``python.string_value``; Python's parser joins an
    implicit concatenation into one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def dict_literal_keys(node: ast.Dict) -> Iterator[str]:
    return (key for key in map(string_value, node.keys) if key is not None)
