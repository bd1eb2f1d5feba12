"""What every fix codemod shares: finding the node a finding points at, and editing it.

A fix works from findings, not from rule internals: each finding's span is re-located in
the freshly parsed file (``PositionProvider``), the codemod's ``plan`` says which nodes to
change and which imports it needs, and one traversal applies every edit of the file. A
finding whose fix is not possible is recorded with the reason; the others still apply.

The rewritten file passes the checks the original passed: a statement the edits made too
long is wrapped (:mod:`tokenward.fix.wrap`), what the edits left unused goes
(:mod:`tokenward.fix.tidy`), and new imports go where isort puts them
(:mod:`tokenward.fix.imports`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import CodeRange, ParentNodeProvider, PositionProvider

from tokenward.fix.imports import NeededImport, add_imports, same_start
from tokenward.fix.services import FixServices, MovedSecret
from tokenward.fix.tidy import drop_orphans
from tokenward.fix.wrap import longest, wrapped
from tokenward.model import Finding, Span

# An edit receives the node as already transformed below it and returns its replacement.
Edit = Callable[[cst.CSTNode], cst.CSTNode | cst.RemovalSentinel]


def replace_with(node: cst.CSTNode) -> Edit:
    """An edit that puts ``node`` in place of whatever is there."""
    return lambda _updated: node


class FixNotPossible(Exception):
    """This finding cannot be fixed safely here; the message says why (shown to the user)."""


@dataclass
class Plan:
    """What fixing one finding takes: node edits, imports, and secrets that move."""

    edits: list[tuple[cst.CSTNode, Edit]] = field(default_factory=list)
    imports: list[NeededImport] = field(default_factory=list)
    moves: list[MovedSecret] = field(default_factory=list)


def span_of(code_range: CodeRange) -> Span:
    return Span(code_range.start.line, code_range.start.column + 1,
                code_range.end.line, code_range.end.column + 1)


class FindingCodemod(VisitorBasedCodemodCommand):
    """Base of the fix codemods. Subclasses set ``TARGET_TYPES`` and implement ``plan``."""

    DESCRIPTION = "Fix tokenward findings."
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)
    # The node types a finding's span may designate, in order of preference.
    TARGET_TYPES: tuple[type[cst.CSTNode], ...] = ()
    # Whether a finding may point inside a target node (TW103 points at the token itself,
    # within its literal): then the innermost target node holding the span is taken.
    INSIDE = False

    def __init__(self, context: CodemodContext, findings: Sequence[Finding],
                 services: FixServices) -> None:
        super().__init__(context)
        self.findings = tuple(findings)
        self.services = services
        self.applied: list[Finding] = []
        self.failures: list[tuple[Finding, str]] = []
        self.moves: list[MovedSecret] = []
        self._edits: dict[int, tuple[cst.CSTNode, list[Edit]]] = {}
        self._on_path: set[int] = set()
        self._needs: list[NeededImport] = []
        # The indentation of the blocks being visited, and the tree they come from.
        self._indents: list[str] = []
        self._tree = cst.Module(body=[])

    # -- to implement -------------------------------------------------------------------

    def plan(self, finding: Finding, node: cst.CSTNode) -> Plan:
        raise NotImplementedError

    @classmethod
    def why_by_hand(cls, module: cst.Module, findings: Sequence[Finding]) -> dict[Span, str]:
        """Why findings the rule marked not fixable are left by hand, by span (shown with
        the hint); empty when this kind cannot say more than the hint."""
        return {}

    # -- helpers for subclasses ------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        parent: cst.CSTNode | None = self.get_metadata(ParentNodeProvider, node, None)
        return parent

    def ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        chain: list[cst.CSTNode] = []
        up: cst.CSTNode | None = self.parent(node)
        while up is not None:
            chain.append(up)
            up = self.parent(up)
        return chain

    def span(self, node: cst.CSTNode) -> Span:
        return span_of(self.get_metadata(PositionProvider, node))

    # -- machinery ---------------------------------------------------------------------------

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """The edits, then the removal of imports they left unused, then the new imports."""
        done = add_imports(super().transform_module(tree), self._needs, self.services.style)
        return same_start(tree, done)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._tree = tree
        at_span: dict[Span, list[cst.CSTNode]] = {}
        for node, code_range in self.metadata[PositionProvider].items():
            if isinstance(node, self.TARGET_TYPES) and isinstance(code_range, CodeRange):
                at_span.setdefault(span_of(code_range), []).append(node)
        claimed: set[int] = set()
        for finding in self.findings:
            picked = self._pick(at_span.get(finding.span, []))
            inner = _innermost(at_span, finding.span) if picked is None and self.INSIDE \
                else None
            if inner is not None:
                picked = self._pick(at_span[inner])
            if picked is None:
                self.failures.append((finding, "the code at this location is not what was "
                                               "scanned; scan again"))
                continue
            try:
                plan = self.plan(finding, picked)
            except FixNotPossible as exc:
                self.failures.append((finding, str(exc)))
                continue
            if any(id(target) in claimed for target, _ in plan.edits):
                self.failures.append((finding, "overlaps another fix in this file; run fix "
                                               "again to finish"))
                continue
            for target, edit in plan.edits:
                claimed.add(id(target))
                self._edits[id(target)] = (target, [edit])
            self._needs.extend(plan.imports)
            self.moves.extend(plan.moves)
            self.applied.append(finding)
        if not self._edits:
            return tree
        # Only the paths from the root to edited nodes are walked: the rest of the file is
        # kept as the very same nodes (cheaper, and nothing else can change by accident).
        self._on_path = {id(up) for target, _ in self._edits.values()
                         for up in [target, *self.ancestors(target)]}
        return drop_orphans(tree, tree.visit(self), self.context)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.IndentedBlock):  # left (on_leave) even when not entered
            self._indents.append(self._tree.default_indent if node.indent is None
                                 else node.indent)
        return super().on_visit(node) and id(node) in self._on_path

    def _pick(self, candidates: list[cst.CSTNode]) -> cst.CSTNode | None:
        for wanted in self.TARGET_TYPES:
            for node in candidates:
                if isinstance(node, wanted):
                    return node
        return None

    def on_leave(self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT  # type: ignore[override]
                 ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.IndentedBlock):
            self._indents.pop()
        entry = self._edits.get(id(original_node))
        if entry is None or entry[0] is not original_node or not isinstance(result, cst.CSTNode):
            current: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode] = result
        else:
            current = result
            for edit in entry[1]:
                current = edit(current)
                if not isinstance(current, cst.CSTNode):
                    return current
        if isinstance(original_node, cst.SimpleStatementLine) and \
                isinstance(current, cst.SimpleStatementLine) and current is not original_node:
            return self._fitted(original_node, current)
        return current

    def _fitted(self, original: cst.SimpleStatementLine, line: cst.SimpleStatementLine
                ) -> cst.SimpleStatementLine:
        """``line`` wrapped when the edits made it longer than the project allows."""
        limit, indent = self.services.style.line_length, "".join(self._indents)
        render = self._tree.code_for_node
        if longest(line, indent, render) <= limit or longest(original, indent, render) > limit:
            return line
        return wrapped(line, indent, self._tree.default_indent, limit, render)

def _innermost(at_span: dict[Span, list[cst.CSTNode]], span: Span) -> Span | None:
    """The node of the innermost span that holds ``span``: spans of nodes that hold the
    same point nest, so the one starting last (then ending first) is inside the others."""
    holding = [outer for outer in at_span
               if (outer.line, outer.column) <= (span.line, span.column)
               and (span.end_line, span.end_column) <= (outer.end_line, outer.end_column)]
    if not holding:
        return None
    return min(holding, key=lambda s: (-s.line, -s.column, s.end_line, s.end_column))
