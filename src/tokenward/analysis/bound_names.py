"""The names a Python file's string literals can be bound to, read with Python's own parser.

A screen for the rules that judge a literal by the name it is bound to (TW104): when no
such name says "key", the libcst tree (several times the cost of ``ast``) need not be built
for them. It is a superset of what the rules' ``_binding`` finds: every assignment target,
keyword, dictionary key, parameter, naming slot and string argument, so a literal the rules
would judge always has its name here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.vocabulary import naming_slots

if TYPE_CHECKING:
    from tokenward.analysis.source import Source


def bound_names(source: Source) -> frozenset[str] | None:
    """Every name a literal of ``source`` may be bound to, or None when the file cannot be
    screened so (``ast`` rejects it, or libcst would not parse it and the rules read its
    lines as text instead): computed once per file, from its shared ``ast`` tree."""
    return source.fact(_bound_names)


def _bound_names(source: Source) -> frozenset[str] | None:
    tree = source.syntax
    return None if tree is None else frozenset(_names(tree))


def _names(tree: ast.AST) -> Iterator[str]:
    slots = naming_slots()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield from _target_names(target)
        elif isinstance(node, ast.AnnAssign):
            yield from _target_names(node.target)
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.keyword) and node.arg is not None:
            yield node.arg
            if node.arg in slots:  # ``V1EnvVar(name="API_KEY", value=...)``
                yield from _string(node.value)
        elif isinstance(node, ast.Dict):
            for key, held in zip(node.keys, node.values, strict=True):
                yield from _target_names(key)
                if key is not None and _string_value(key) in slots:
                    yield from _string(held)
        elif isinstance(node, ast.Call):
            # Environment lookups (``getenv("SECRET_KEY", ...)``) and argparse options
            # (``add_argument("--secret-key", default=...)``) name what they hold.
            for argument in node.args:
                for value in _string(argument):
                    yield value
                    yield value.lstrip("-").replace("-", "_")


def _target_names(node: ast.expr | None) -> Iterator[str]:
    """The last name of a target or key (``self.api_key``, ``config["SECRET_KEY"]``), for
    each element of a tuple of them."""
    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _target_names(element)
    elif isinstance(node, ast.Starred):
        yield from _target_names(node.value)
    elif isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.Subscript):
        yield from _string(node.slice)
    else:
        yield from _string(node)


def _string(node: ast.expr | None) -> Iterator[str]:
    """A string literal's value, whole and after its last dot (``app.secret_key``)."""
    value = _string_value(node)
    if value is not None:
        yield value
        yield value.rsplit(".", 1)[-1]


def _string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None
