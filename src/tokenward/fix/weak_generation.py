"""Weak token generation -> the ``secrets`` module, with at least 32 bytes.

The rewrite of each finding is decided in :mod:`tokenward.analysis.secrets_rewrite` (the
rules ask the same question to mark a finding fixable): a string of picked characters
becomes ``secrets.token_urlsafe(32)``, hex text ``secrets.token_hex(32)``, bytes
``secrets.token_bytes(32)``, ``random.choice`` ``secrets.choice``, a number keeps its range
(``secrets.randbelow``), a too-short length becomes 32 (43 characters for
``get_random_string``). Seeded generators, ``uuid3``/``uuid5``, hashes, encodings and a
time or count inside a larger value have no automatic fix and are reported with the
reason. ``import random`` goes away when nothing uses it any more (libcst's
``RemoveImportsVisitor``); ``import secrets`` is added once.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from tokenward.analysis.python import ImportTable
from tokenward.analysis.secrets_rewrite import Rewrite, secrets_rewrite
from tokenward.analysis.source import NodeIndex, Source
from tokenward.config import Config
from tokenward.fix.base import FindingCodemod, FixNotPossible, Plan, replace_with
from tokenward.fix.imports import NeededImport
from tokenward.model import Finding, Span


class UseSecretsModule(FindingCodemod):
    DESCRIPTION = "Generate tokens with the secrets module."
    TARGET_TYPES = (cst.Call,)

    _imports: ImportTable | None = None
    _source: Source | None = None

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._source = Source.of_module(tree, Config())
        self._imports = ImportTable.of(NodeIndex(tree))
        return super().transform_module_impl(tree)

    @classmethod
    def why_by_hand(cls, module: cst.Module, findings: Sequence[Finding]) -> dict[Span, str]:
        """The reason :func:`secrets_rewrite` gives for each finding's call (a seeded
        generator, a token derived from its input ...)."""
        source = Source.of_module(module, Config())
        assert source.index is not None
        wanted = {f.span for f in findings}
        reasons: dict[Span, str] = {}
        for call in source.index.of(cst.Call):
            span = source.span(call)
            if span in wanted and span not in reasons:
                answer = secrets_rewrite(source, call)
                if isinstance(answer, str):
                    reasons[span] = answer
        return reasons

    def plan(self, finding: Finding, node: cst.CSTNode) -> Plan:
        assert isinstance(node, cst.Call) and self._source is not None
        rewrite = secrets_rewrite(self._source, node)
        if not isinstance(rewrite, Rewrite):
            raise FixNotPossible(rewrite)
        replacement = cst.parse_expression(rewrite.code)
        if rewrite.node.lpar:
            replacement = replacement.with_changes(lpar=rewrite.node.lpar,
                                                   rpar=rewrite.node.rpar)
        if rewrite.weak_callee is not None:
            self._forget_random(node.func)
        needs = [NeededImport("secrets")] if rewrite.code.startswith("secrets.") else []
        return Plan(edits=[(rewrite.node, replace_with(replacement))], imports=needs)

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
