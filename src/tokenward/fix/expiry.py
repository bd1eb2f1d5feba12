"""Missing expiry fixes: an ``exp`` claim for JWTs minted without one, and the removal of
``"verify_exp": False``.

``AddExpiryClaim`` follows the payload from the encode call to its dict literal (the
argument itself, or the last ``name = {...}`` before the call in the same function) and
adds ``"exp": datetime.now(timezone.utc) + timedelta(minutes=15)`` in the dict's own
layout (one line, or one element a line with the trailing comma kept); a statement that
grows past the project's line length is wrapped like every fix's (``fix.wrap``). Claims
built any other way have no automatic fix.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tokenward.analysis.lifetimes import JWT_ENCODERS
from tokenward.analysis.python import ImportTable
from tokenward.analysis.source import NodeIndex
from tokenward.fix.base import Edit, FindingCodemod, FixNotPossible, Plan
from tokenward.fix.imports import NeededImport
from tokenward.model import Finding
from tokenward.records import record

EXPIRY_MINUTES = 15

def _claims_argument(call: cst.Call, position: int, keyword: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    plain = [a for a in call.args if a.keyword is None and not a.star]
    return plain[position] if position < len(plain) else None


def _key(element: cst.BaseDictElement) -> str | None:
    if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
        value = element.key.evaluated_value
        return value if isinstance(value, str) else None
    return None


def with_element(claims: cst.Dict, new: cst.DictElement) -> cst.Dict:
    """``claims`` plus ``new`` at the end, in the layout the dict already has."""
    items = list(claims.elements)
    if not items:
        return claims.with_changes(elements=[new])
    last = items[-1]
    closing = claims.rbrace.whitespace_before
    if isinstance(closing, cst.ParenthesizedWhitespace):
        # One element a line: the old last element keeps its comment on its own line, the
        # new one goes on a line of its own before the closing brace.
        previous = (items[-2].comma.whitespace_after if len(items) > 1
                    and isinstance(items[-2].comma, cst.Comma)
                    else claims.lbrace.whitespace_after)
        indent = (previous.last_line if isinstance(previous, cst.ParenthesizedWhitespace)
                  else closing.last_line)
        items[-1] = last.with_changes(comma=cst.Comma(
            whitespace_before=(last.comma.whitespace_before if isinstance(last.comma, cst.Comma)
                               else cst.SimpleWhitespace("")),
            whitespace_after=closing.with_changes(empty_lines=[], last_line=indent)))
        items.append(new.with_changes(comma=last.comma))
        return claims.with_changes(elements=items, rbrace=claims.rbrace.with_changes(
            whitespace_before=closing.with_changes(first_line=cst.TrailingWhitespace())))
    items[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    items.append(new.with_changes(comma=last.comma))  # {"a": 1,} keeps its trailing comma
    return claims.with_changes(elements=items)


def without(items: Sequence[cst.CSTNode], index: int) -> list[cst.CSTNode]:
    """``items`` minus one element; the new last element takes over the removed comma."""
    kept = list(items)
    removed = kept.pop(index)
    if index == len(kept) and kept:
        kept[-1] = kept[-1].with_changes(comma=getattr(removed, "comma", cst.MaybeSentinel.DEFAULT))
    return kept


@record
class _Clock:
    """How this module spells ``datetime.now(timezone.utc) + timedelta(minutes=15)``."""

    expression: str
    imports: tuple[NeededImport, ...]


def _clock(imports: ImportTable) -> _Clock:
    for local, qualified in imports.names.items():
        if qualified == "datetime":  # import datetime [as dt]: the module name is taken
            return _Clock(f"{local}.datetime.now({local}.timezone.utc) + "
                          f"{local}.timedelta(minutes={EXPIRY_MINUTES})", ())
    return _Clock(f"datetime.now(timezone.utc) + timedelta(minutes={EXPIRY_MINUTES})",
                  tuple(NeededImport("datetime", n) for n in ("datetime", "timedelta",
                                                              "timezone")))


class AddExpiryClaim(FindingCodemod):
    DESCRIPTION = "Add an exp claim to JWT payloads."
    TARGET_TYPES = (cst.Call,)

    _imports: ImportTable | None = None

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._imports = ImportTable.of(NodeIndex(tree))
        return super().transform_module_impl(tree)

    def plan(self, finding: Finding, node: cst.CSTNode) -> Plan:
        assert isinstance(node, cst.Call) and self._imports is not None
        callee = self._imports.resolve(node.func)
        if callee not in JWT_ENCODERS:
            raise FixNotPossible("not a JWT encode call tokenward knows")
        arg = _claims_argument(node, *JWT_ENCODERS[callee])
        if arg is None:
            raise FixNotPossible("no claims argument")
        claims = arg.value if isinstance(arg.value, cst.Dict) else self._assigned_dict(
            node, arg.value)
        if claims is None:
            raise FixNotPossible("the claims are not a dict literal; add exp by hand")
        if "exp" in {_key(e) for e in claims.elements}:
            raise FixNotPossible("the claims already set exp")
        clock = _clock(self._imports)
        new = cst.DictElement(key=cst.SimpleString(self._quote(claims) + "exp"
                                                   + self._quote(claims)),
                              value=cst.parse_expression(clock.expression))

        def add(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Dict)
            return with_element(updated, new)

        return Plan(edits=[(claims, add)], imports=list(clock.imports))

    def _quote(self, claims: cst.Dict) -> str:
        for element in claims.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                return element.key.quote[0]
        return '"'

    def _assigned_dict(self, call: cst.Call, value: cst.BaseExpression) -> cst.Dict | None:
        """The dict literal last assigned to the name, before the call, in its function."""
        if not isinstance(value, cst.Name):
            return None
        scope = next((a for a in self.ancestors(call)
                      if isinstance(a, cst.FunctionDef | cst.Module)), None)
        call_line = self.span(call).line
        found: cst.Dict | None = None
        for assign in self._assignments(scope):
            if self.span(assign).line > call_line:
                break
            names = [t.target for t in assign.targets]
            if any(isinstance(t, cst.Name) and t.value == value.value for t in names):
                found = assign.value if isinstance(assign.value, cst.Dict) else None
        return found

    def _assignments(self, scope: cst.CSTNode | None) -> list[cst.Assign]:
        """Assignments directly in this function or module body (not nested functions)."""
        if scope is None:
            return []
        found: list[cst.Assign] = []
        stack: list[cst.CSTNode] = [scope]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Assign):
                found.append(node)
            for child in reversed(node.children):
                if not isinstance(child, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                    stack.append(child)
        return sorted(found, key=lambda a: self.span(a).line)


class RemoveVerifyExpOff(FindingCodemod):
    DESCRIPTION = 'Remove "verify_exp": False.'
    TARGET_TYPES = (cst.DictElement, cst.Arg)

    def plan(self, finding: Finding, node: cst.CSTNode) -> Plan:
        if isinstance(node, cst.Arg):  # verify_exp=False as a keyword
            call = self.parent(node)
            if not isinstance(call, cst.Call):
                raise FixNotPossible("not a call argument")
            return Plan(edits=[(call, self._drop_arg(list(call.args).index(node)))])
        assert isinstance(node, cst.DictElement)
        if _key(node) != "verify_exp" or not (isinstance(node.value, cst.Name)
                                              and node.value.value == "False"):
            raise FixNotPossible('only "verify_exp": False is removed automatically')
        options = self.parent(node)
        assert isinstance(options, cst.Dict)
        index = list(options.elements).index(node)
        holder = self.parent(options)
        call = self.parent(holder) if holder is not None else None
        if (len(options.elements) == 1 and isinstance(holder, cst.Arg)
                and holder.keyword is not None and holder.keyword.value == "options"
                and isinstance(call, cst.Call)):
            return Plan(edits=[(call, self._drop_arg(list(call.args).index(holder)))])

        def drop(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Dict)
            kept = without(updated.elements, index)
            return updated.with_changes(elements=kept)

        return Plan(edits=[(options, drop)])

    @staticmethod
    def _drop_arg(index: int) -> Edit:
        def edit(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Call)
            return updated.with_changes(args=without(updated.args, index))
        return edit
