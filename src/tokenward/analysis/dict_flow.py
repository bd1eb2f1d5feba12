"""Which keys does a dict have at a given call? Enough data flow for claims and request
bodies: a dict literal, ``dict(...)``, ``{**a, "k": v}``, or a local variable bound to one
of those and then changed with ``d["k"] = ...``, ``d.update(...)`` or ``d.setdefault(...)``
before the call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tokenward.analysis.python import enclosing_function, local_assignment, string_value
from tokenward.analysis.source import Source

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

MAX_DEPTH = 4


@dataclass(frozen=True)
class DictFacts:
    """The keys known to be in a dict. ``complete`` is False when some keys are unknown
    (``**other`` from an unresolved source, ``d.update(extra)``): then a missing key is
    not a finding. ``literal`` is the dict literal a fix would extend, when there is one."""

    keys: frozenset[str]
    complete: bool
    literal: cst.Dict | None = None
    values: tuple[tuple[str, cst.BaseExpression], ...] = ()

    def value(self, key: str) -> cst.BaseExpression | None:
        return next((v for k, v in self.values if k == key), None)


def resolve_dict(source: Source, expr: cst.BaseExpression | None,
                 at: cst.CSTNode, depth: int = 0) -> DictFacts | None:
    """The keys of ``expr`` as seen at ``at``; None when it is not a dict we can follow."""
    if expr is None or depth > MAX_DEPTH:
        return None
    if isinstance(expr, cst.Dict):
        return _literal(source, expr, at, depth)
    if isinstance(expr, cst.Call):
        func = expr.func
        if isinstance(func, cst.Name) and func.value == "dict":
            return _dict_call(source, expr, at, depth)
        if isinstance(func, cst.Attribute) and func.attr.value == "copy" and not expr.args:
            return resolve_dict(source, func.value, at, depth + 1)
        return None
    if isinstance(expr, cst.Name):
        assigned = local_assignment(source, at, expr.value) or _annotated(source, at,
                                                                           expr.value)
        if assigned is None:
            # A module-level constant (``BASE_CLAIMS = {...}``) unless the function has a
            # parameter of that name.
            if _is_parameter(source, at, expr.value):
                return None
            constant = _module_constant(source, expr.value)
            return None if constant is None else resolve_dict(source, constant, constant,
                                                              depth + 1)
        base = resolve_dict(source, assigned, _assignment_of(source, assigned), depth + 1)
        if base is None:
            return None
        return _with_mutations(source, base, expr.value, assigned, at)
    return None


def _annotated(source: Source, at: cst.CSTNode, name: str) -> cst.BaseExpression | None:
    """``payload: dict[str, Any] = {...}`` in the same scope, before ``at``."""
    assert source.index is not None
    scope = enclosing_function(source.index, at)
    limit = source.index.order(at)
    found: cst.BaseExpression | None = None
    for ann in source.index.of(cst.AnnAssign):
        if (isinstance(ann.target, cst.Name) and ann.target.value == name
                and ann.value is not None and enclosing_function(source.index, ann) is scope
                and source.index.order(ann) <= limit):
            found = ann.value
    return found


def _is_parameter(source: Source, at: cst.CSTNode, name: str) -> bool:
    assert source.index is not None
    func = enclosing_function(source.index, at)
    while func is not None:
        params = func.params
        every = [*params.params, *params.kwonly_params, *params.posonly_params]
        every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        if any(p.name.value == name for p in every):
            return True
        func = enclosing_function(source.index, func)
    return False


def _module_constant(source: Source, name: str) -> cst.BaseExpression | None:
    """The value last bound to ``name`` by a plain module-level assignment."""
    module = source.module
    if module is None:
        return None
    found: cst.BaseExpression | None = None
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                targets = [small.target]
            else:
                continue
            if any(isinstance(t, cst.Name) and t.value == name for t in targets):
                found = small.value
    return found


def _assignment_of(source: Source, value: cst.CSTNode) -> cst.CSTNode:
    assert source.index is not None
    parent = source.index.parent(value)
    return parent if parent is not None else value


def _literal(source: Source, node: cst.Dict, at: cst.CSTNode, depth: int) -> DictFacts:
    keys: set[str] = set()
    values: list[tuple[str, cst.BaseExpression]] = []
    complete = True
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            key = string_value(element.key)
            if key is None:
                complete = False
            else:
                keys.add(key)
                values.append((key, element.value))
        else:  # **spread
            complete = _spread(source, element.value, at, depth, keys, values) and complete
    return DictFacts(frozenset(keys), complete, node, tuple(values))


def _spread(source: Source, expr: cst.BaseExpression, at: cst.CSTNode, depth: int,
            keys: set[str], values: list[tuple[str, cst.BaseExpression]]) -> bool:
    """Merge the dict ``expr`` resolves to into ``keys``/``values``; False when it cannot
    be resolved, or not completely."""
    inner = resolve_dict(source, expr, at, depth + 1)
    if inner is None:
        return False
    keys |= inner.keys
    values.extend(inner.values)
    return inner.complete


def _dict_call(source: Source, call: cst.Call, at: cst.CSTNode, depth: int) -> DictFacts:
    keys: set[str] = set()
    values: list[tuple[str, cst.BaseExpression]] = []
    complete = True
    for arg in call.args:
        if arg.keyword is not None:
            keys.add(arg.keyword.value)
            values.append((arg.keyword.value, arg.value))
            continue
        complete = _spread(source, arg.value, at, depth, keys, values) and complete
    return DictFacts(frozenset(keys), complete, None, tuple(values))


def _with_mutations(source: Source, base: DictFacts, name: str,
                    assigned: cst.CSTNode, at: cst.CSTNode) -> DictFacts:
    """Apply ``name["k"] = v``, ``name.update(...)``, ``name.setdefault("k", v)`` made in the
    same scope between the binding and ``at``."""
    index = source.index
    assert index is not None
    scope = enclosing_function(index, at)
    first, last = index.order(assigned), index.order(at)
    keys = set(base.keys)
    values = list(base.values)
    complete = base.complete

    def in_range(node: cst.CSTNode) -> bool:
        return (enclosing_function(index, node) is scope
                and first <= index.order(node) <= last)

    for assign in index.of(cst.Assign):
        for target in assign.targets:
            sub = target.target
            if (isinstance(sub, cst.Subscript) and isinstance(sub.value, cst.Name)
                    and sub.value.value == name and in_range(assign)):
                key = _subscript_key(sub)
                if key is None:
                    complete = False
                else:
                    keys.add(key)
                    values.append((key, assign.value))
    for call in index.of(cst.Call):
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value == name and in_range(call)):
            continue
        method = func.attr.value
        if method == "update":
            for arg in call.args:
                if arg.keyword is not None:
                    keys.add(arg.keyword.value)
                    values.append((arg.keyword.value, arg.value))
                    continue
                inner = resolve_dict(source, arg.value, call, 1)
                if inner is None:
                    complete = False
                else:
                    keys |= inner.keys
                    values.extend(inner.values)
                    complete = complete and inner.complete
        elif method == "setdefault" and call.args:
            key = string_value(call.args[0].value)
            if key is None:
                complete = False
            else:
                keys.add(key)
                if len(call.args) > 1:
                    values.append((key, call.args[1].value))
    for aug in index.of(cst.AugAssign):
        if (isinstance(aug.target, cst.Name) and aug.target.value == name and in_range(aug)):
            inner = resolve_dict(source, aug.value, aug, 1)
            if inner is None:
                complete = False
            else:
                keys |= inner.keys
                values.extend(inner.values)
    return DictFacts(frozenset(keys), complete, base.literal, tuple(values))


def _subscript_key(sub: cst.Subscript) -> str | None:
    if len(sub.slice) != 1:
        return None
    index = sub.slice[0].slice
    return string_value(index.value) if isinstance(index, cst.Index) else None
