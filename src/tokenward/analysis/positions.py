"""Where each node of a libcst tree is: the ranges libcst's ``PositionProvider`` gives,
at a sixth of its cost.

``MetadataWrapper(...).resolve(PositionProvider)`` regenerates the file's code through
the metadata machinery, builds a ``CodePosition`` and a ``CodeRange`` per node, runs a
generator-based context manager per syntactic node and splits every token on newlines;
on a large module that cost ten times the plain code generation (0.7 s for one of
Django's largest files), and a file with a single finding paid it whole. This state runs
the same code generation with the same rules (a node's range is its syntactic one when
its code generation records one, else the range of all the code it generated, whitespace
included) and keeps plain tuples. ``tests/analysis/test_positions.py`` holds it to
``PositionProvider``'s ranges node for node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from libcst._nodes.internal import CodegenState
from libcst.metadata.position_provider import NEWLINE_RE

if TYPE_CHECKING:
    import ast

    import libcst as cst

# (line, column): lines 1-based, columns 0-based, as libcst counts them.
Point = tuple[int, int]
Range = tuple[Point, Point]


class _Syntactic:
    """``record_syntactic_position`` as a plain context manager (libcst's is a generator,
    entered once per expression and statement: the largest part of its cost)."""

    __slots__ = ("_end_node", "_node", "_start", "_start_node", "_state")

    def __init__(self, state: _RangeState, node: cst.CSTNode, start_node: cst.CSTNode | None,
                 end_node: cst.CSTNode | None) -> None:
        self._state = state
        self._node = node
        self._start_node = start_node
        self._end_node = end_node
        self._start: Point = (0, 0)

    def __enter__(self) -> None:
        self._start = (self._state.line, self._state.column)

    def __exit__(self, *_: object) -> None:
        state = self._state
        ranges = state.ranges
        start = self._start if self._start_node is None else ranges[self._start_node][0]
        end = (state.line, state.column) if self._end_node is None \
            else ranges[self._end_node][1]
        ranges[self._node] = (start, end)


class _RangeState(CodegenState):
    """libcst's position-providing code generation (``PositionProvidingCodegenState``),
    keeping tuples in ``ranges``."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.ranges: dict[cst.CSTNode, Range] = {}
        self._starts: list[Point] = []

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def _advance(self, value: str) -> None:
        # Most tokens hold no line break: no split (libcst splits every one).
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._starts.pop()
        if node not in self.ranges:  # a syntactic range, recorded inside, wins
            self.ranges[node] = (start, (self.line, self.column))

    def record_syntactic_position(self, node: cst.CSTNode, *,
                                  start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> Any:
        return _Syntactic(self, node, start_node, end_node)


def node_ranges(module: cst.Module) -> dict[cst.CSTNode, Range]:
    """Every node of ``module`` -> ((line, column), (end line, end column)), as
    ``PositionProvider`` would give them (the module's nodes themselves are the keys)."""
    state = _RangeState(module)
    module._codegen(state)
    return state.ranges


def statement_ranges(module: cst.Module, statement: cst.BaseStatement, first_line: int
                     ) -> tuple[dict[cst.CSTNode, Range], str]:
    """The ranges of the nodes of one statement of ``module``'s body whose code starts on
    line ``first_line`` (at its first column), as :func:`node_ranges` gives them, and the
    statement's code (its caller checks that the file holds it there)."""
    state = _RangeState(module)
    state.line = first_line
    statement._codegen(state)
    return state.ranges, "".join(state.tokens)


def first_token_lines(module: cst.Module, tree: ast.Module) -> list[int] | None:
    """For each statement of ``module``'s body, the line its first token is on, read from
    Python's own tree of the same text (a line of ``;``-joined statements is one libcst
    statement and several ``ast`` ones; a decorated definition starts at its first
    decorator). None when the two trees do not list the same statements."""
    import libcst as cst

    lines: list[int] = []
    position = 0
    for statement in module.body:
        if position >= len(tree.body):
            return None
        node = tree.body[position]
        if isinstance(statement, cst.SimpleStatementLine):
            position += len(statement.body)
            lines.append(node.lineno)
            continue
        position += 1
        decorators = getattr(node, "decorator_list", [])
        lines.append(min([node.lineno, *(d.lineno for d in decorators)]))
    return lines if position == len(tree.body) else None


def lines_before_first_token(statement: cst.BaseStatement) -> int:
    """How many whole lines (blank lines, comments) a statement's code holds before its
    first token: its leading lines, and a decorated definition's first decorator's."""
    count = len(getattr(statement, "leading_lines", ()))
    decorators = getattr(statement, "decorators", ())
    if decorators:
        count += len(decorators[0].leading_lines)
    return count
