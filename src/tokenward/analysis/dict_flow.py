"""Which keys does a dict have at a given call? Enough data flow for claims and request
bodies: a dict literal, ``dict(...)``, ``{**a, "k": v}``, a same-module helper's returned
dict, or a local variable bound to one of those and then changed with ``d["k"] = ...``,
``d.update(...)``, ``d.setdefault(...)`` or ``d |= {...}`` before the call.
Which binding a name reads is the file's analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenward.analysis.flow import Binding, Kind
from tokenward.analysis.python import string_value
from tokenward.analysis.source import Source
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

MAX_DEPTH = 4


@record
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
        return _helper_result(source, expr, depth)
    if isinstance(expr, cst.Name):
        # The binding the name reads (a parameter or a loop variable: unknown); an
        # augmented ``d |= {...}`` is a change applied below, not where ``d`` comes from.
        analysis = source.analysis
        binding = analysis.source_binding(expr)
        if binding is None or not binding.holds_value:
            return None
        base = resolve_dict(source, binding.value, binding.statement, depth + 1)
        if base is None or binding.scope is not analysis.scope(expr):
            return base  # a module constant: changes made elsewhere are not followed
        return _with_mutations(source, base, binding, at)
    return None


def _helper_result(source: Source, call: cst.Call, depth: int) -> DictFacts | None:
    """``claims = _base_claims(sub)``: the dict a same-module helper returns (its one
    return). No literal to extend: the helper's dict is shared by its other callers."""
    returned = source.analysis.returned(call)
    if len(returned) != 1:
        return None
    inner = resolve_dict(source, returned[0], returned[0], depth + 1)
    return DictFacts(inner.keys, inner.complete, None, inner.values) if inner else None


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


def _with_mutations(source: Source, base: DictFacts, binding: Binding,
                    at: cst.CSTNode) -> DictFacts:
    """Apply ``name["k"] = v``, ``name.update(...)``, ``name.setdefault("k", v)`` and
    ``name |= {...}`` made in the binding's scope between the binding and ``at``."""
    analysis = source.analysis
    first, last = binding.order, analysis.index.order(at)
    keys = set(base.keys)
    values = list(base.values)
    complete = base.complete

    def merge(inner: DictFacts | None) -> None:
        nonlocal complete
        if inner is None:
            complete = False
            return
        keys.update(inner.keys)
        values.extend(inner.values)
        complete = complete and inner.complete

    for item in analysis.items(binding.scope, binding.name):
        if first < item.order <= last and item.value is not None:
            if item.key is None:
                complete = False
            else:
                keys.add(item.key)
                values.append((item.key, item.value))
    for load in analysis.loads(binding.scope, binding.name):
        if not first < analysis.index.order(load) <= last:
            continue
        method = analysis.index.parent(load)
        call = analysis.index.parent(method)
        if not (isinstance(method, cst.Attribute) and method.value is load
                and isinstance(call, cst.Call) and call.func is method):
            continue
        if method.attr.value == "update":
            for arg in call.args:
                if arg.keyword is not None:
                    keys.add(arg.keyword.value)
                    values.append((arg.keyword.value, arg.value))
                else:
                    merge(resolve_dict(source, arg.value, call, 1))
        elif method.attr.value == "setdefault" and call.args:
            key = string_value(call.args[0].value)
            if key is None:
                complete = False
            else:
                keys.add(key)
                if len(call.args) > 1:
                    values.append((key, call.args[1].value))
    for later in analysis.bindings_in(binding.scope, binding.name):
        if later.kind is Kind.AUGMENTED and first < later.order <= last:
            merge(resolve_dict(source, later.value, later.statement, 1))
    return DictFacts(frozenset(keys), complete, base.literal, tuple(values))
