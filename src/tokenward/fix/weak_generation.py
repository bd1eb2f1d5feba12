"""Weak token generation -> the ``secrets`` module, with at least 32 bytes.

Exact rewrites only, one per shape (what the weak-generation rules document):

- ``"".join(random.choice(alphabet) for _ in range(n))`` (or ``random.choices(..., k=n)``
  joined) -> ``secrets.token_urlsafe(32)``
- ``random.choice(seq)`` -> ``secrets.choice(seq)``
- ``random.randint(a, b)`` -> ``secrets.randbelow(b - a + 1) + a`` (same range);
  ``random.randrange(a, b)`` likewise
- a too-short length to ``secrets.token_*``, ``os.urandom``, ``get_random_string`` ... -> 32

Anything else (seeded generators, ``uuid1``, timestamps, hashes, truncations) has no
automatic fix and is reported with the reason. ``import random`` goes away when nothing
uses it any more (libcst's ``RemoveImportsVisitor``); ``import secrets`` is added once.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from tokenward.analysis.python import ImportTable, int_value
from tokenward.analysis.randomness import LENGTH_ARGUMENT as _LENGTH_ARGUMENT
from tokenward.analysis.randomness import secrets_fix_applies
from tokenward.analysis.source import NodeIndex
from tokenward.fix.base import (
    FindingCodemod,
    FixNotPossible,
    Plan,
    replace_with,
)
from tokenward.fix.imports import NeededImport
from tokenward.model import Finding

SAFE_BYTES = 32

_JOINABLE = ("random.choice", "random.choices", "random.sample")


def _parenthesize(code: str, node: cst.BaseExpression) -> str:
    simple = isinstance(node, cst.Name | cst.Integer | cst.Attribute | cst.Call | cst.Subscript)
    return code if simple else f"({code})"


class UseSecretsModule(FindingCodemod):
    DESCRIPTION = "Generate tokens with the secrets module."
    TARGET_TYPES = (cst.Call,)

    _imports: ImportTable | None = None
    _module: cst.Module | None = None

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._imports = ImportTable.of(NodeIndex(tree))
        self._module = tree
        return super().transform_module_impl(tree)

    def _code(self, node: cst.CSTNode) -> str:
        assert self._module is not None
        return self._module.code_for_node(node)

    def plan(self, finding: Finding, node: cst.CSTNode) -> Plan:
        assert isinstance(node, cst.Call) and self._imports is not None
        callee = self._imports.resolve(node.func)
        if callee in _LENGTH_ARGUMENT:
            if not secrets_fix_applies(callee, node):
                raise FixNotPossible("a custom alphabet: choose the length by hand")
            return self._lengthen(node, _LENGTH_ARGUMENT[callee])
        if callee is None or not callee.startswith("random."):
            shown = callee or self._code(node.func)
            raise FixNotPossible(f"no automatic fix for {shown}(); use the secrets module")
        join = self._enclosing_join(node) if callee in _JOINABLE else None
        if join is not None:
            plan = self._replace(join, f"secrets.token_urlsafe({SAFE_BYTES})")
        elif callee == "random.choice":
            plan = self._replace_callee(node, "secrets.choice")
        elif callee in ("random.randint", "random.randrange"):
            plan = self._replace(node, self._randbelow(node, inclusive=callee.endswith("int")))
        else:
            raise FixNotPossible(f"no exact secrets equivalent for {callee}(); rewrite by hand")
        self._forget_random(node.func)
        return plan

    # -- shapes ------------------------------------------------------------------------------

    def _lengthen(self, call: cst.Call, keyword: str) -> Plan:
        for i, arg in enumerate(call.args):
            if (arg.keyword is None and not arg.star and i == 0) or \
                    (arg.keyword is not None and arg.keyword.value == keyword):
                return Plan(edits=[(arg, replace_with(arg.with_changes(
                    value=cst.Integer(str(SAFE_BYTES)))))])
        raise FixNotPossible("the length is not an argument of this call")

    def _replace(self, node: cst.CSTNode, code: str) -> Plan:
        replacement = cst.parse_expression(code)
        if isinstance(node, cst.BaseExpression) and node.lpar:
            replacement = replacement.with_changes(lpar=node.lpar, rpar=node.rpar)
        return Plan(edits=[(node, replace_with(replacement))],
                    imports=[NeededImport("secrets")])

    def _replace_callee(self, call: cst.Call, dotted: str) -> Plan:
        func = cst.parse_expression(dotted)

        def edit(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Call)
            return updated.with_changes(func=func)

        return Plan(edits=[(call, edit)], imports=[NeededImport("secrets")])

    def _randbelow(self, call: cst.Call, *, inclusive: bool) -> str:
        plain = [a for a in call.args if a.keyword is None and not a.star]
        if len(plain) != len(call.args) or not 1 <= len(plain) <= 2:
            raise FixNotPossible("a call shape with no exact secrets equivalent")
        if len(plain) == 1:
            if inclusive:
                raise FixNotPossible("randint needs two arguments")
            return f"secrets.randbelow({self._code(plain[0].value)})"
        low, high = plain[0].value, plain[1].value
        low_value, high_value = int_value(low), int_value(high)
        extra = 1 if inclusive else 0
        if low_value is not None and high_value is not None:
            span = high_value - low_value + extra
            if span <= 0:
                raise FixNotPossible("an empty range")
            return (f"secrets.randbelow({span})" if low_value == 0
                    else f"secrets.randbelow({span}) + {low_value}")
        low_code = _parenthesize(self._code(low), low)
        high_code = _parenthesize(self._code(high), high)
        size = f"{high_code} - {low_code}" + (" + 1" if inclusive else "")
        return f"secrets.randbelow({size}) + {low_code}"

    def _enclosing_join(self, call: cst.Call) -> cst.Call | None:
        """The ``"".join(...)`` this call feeds a string made of random characters to."""
        child: cst.CSTNode = call
        for up in self.ancestors(call):
            if isinstance(up, cst.GeneratorExp | cst.ListComp):
                if up.elt is not child:
                    return None
            elif isinstance(up, cst.Arg):
                pass
            elif isinstance(up, cst.Call):
                func = up.func
                if (isinstance(func, cst.Attribute) and func.attr.value == "join"
                        and isinstance(func.value, cst.SimpleString | cst.ConcatenatedString)
                        and len(up.args) == 1):
                    return up
                return None
            else:
                return None
            child = up
        return None

    def _forget_random(self, func: cst.BaseExpression) -> None:
        """Drop the import of the weak source if nothing else uses it after the fix."""
        assert self._imports is not None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            alias = func.value.value
            module = self._imports.names.get(alias)
            if module == "random":
                RemoveImportsVisitor.remove_unused_import(
                    self.context, "random", asname=None if alias == "random" else alias)
        elif isinstance(func, cst.Name):
            qualified = self._imports.names.get(func.value, "")
            module, _, name = qualified.rpartition(".")
            if module == "random":
                RemoveImportsVisitor.remove_unused_import(
                    self.context, "random", name, None if name == func.value else func.value)
