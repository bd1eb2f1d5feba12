"""Source's two trees: ``syntax`` (Python's ``ast``, for the screens) and ``module``
(libcst, for the rules), and when each is built."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest

import tokenward
from tokenward.analysis.source import FileKind, Source, breadth_first
from tokenward.config import Config

# 1,000 additions in one expression: ast parses it; libcst is not handed it (analysis/
# nesting.py refuses more than 400 operators in one chain).
CHAIN = "total = " + " + ".join(["x"] * 1000) + "\n"


def source_of(text: str) -> Source:
    return Source("app/totals.py", text, FileKind.PYTHON, Config())


def test_a_file_too_complex_for_libcst_is_still_screened_on_its_ast_tree() -> None:
    source = source_of(CHAIN)
    assert source.syntax is not None
    assert "_complexity" not in source.__dict__  # not measured until a rule wants libcst's
    assert source.errors == []


def test_the_refusal_is_reported_when_a_rule_asks_for_the_libcst_tree() -> None:
    source = source_of(CHAIN)
    assert source.module is None
    assert [e.message for e in source.errors] == [
        "too deeply nested to analyse (an expression chains more than 400 operators); "
        "text-level checks ran"]
    assert source.errors[0].unscanned


def test_a_syntax_error_gives_no_ast_tree() -> None:
    assert source_of("def broken(:\n").syntax is None


# The singletons a node names its context or operator with: not listed (no screen asks).
SINGLETONS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)

# Every list field of the grammar that may hold something else than nodes, and a few that
# hold only nodes beside them.
EVERY_MIXED_LIST = """\
def f(a, *, b=1, c, **kw):
    global counter
    def g():
        nonlocal a
    return {**kw, "k": not a, "n": -1}
match point:
    case Point(x=0, y=[1, *rest]) if x is not None:
        pass
    case {"key": value, **others}:
        pass
import os.path as p
from . import q as r
"""


def walked(tree: ast.AST) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if not isinstance(node, SINGLETONS)]


def test_the_screens_share_one_walk_in_ast_walk_order_without_the_singletons() -> None:
    text = (Path(__file__).resolve().parents[2] / "src/tokenward/analysis/source.py").read_text()
    source = source_of(text)
    assert source.syntax is not None
    assert source.syntax_nodes == walked(source.syntax)
    assert source.syntax_nodes is source.syntax_nodes  # listed once


def test_lists_that_hold_names_or_none_give_only_their_nodes() -> None:
    source = source_of(EVERY_MIXED_LIST)
    assert source.syntax is not None
    assert source.syntax_nodes == walked(source.syntax)
    assert all(isinstance(node, ast.AST) for node in source.syntax_nodes)


def test_every_module_of_tokenward_walks_as_ast_walk_does() -> None:
    root = Path(__file__).resolve().parents[2] / "src/tokenward"
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert breadth_first(tree) == walked(tree), path


def test_the_walk_is_freed_with_the_ast_tree_once_libcst_parses() -> None:
    source = source_of("token = make()\n")
    assert [type(node).__name__ for node in source.syntax_nodes] == [
        "Module", "Assign", "Name", "Call", "Name"]
    assert source.module is not None
    assert source.syntax is None and source.syntax_nodes == []


def test_the_rules_tree_is_parsed_without_checking_nodes_and_equals_libcsts() -> None:
    # libcst's check of each node (`_validate`) is paused while its parser builds the
    # rules' tree: the same tree as libcst's own parse (every mixed list field above, and
    # two of tokenward's largest modules: decorators, f-strings, match, walrus ...); nodes
    # built afterwards (a fix's) are checked again.
    package = Path(tokenward.__file__).parent
    for text in (EVERY_MIXED_LIST, (package / "analysis/source.py").read_text(),
                 (package / "analysis/flow.py").read_text()):
        module = source_of(text).module
        assert module is not None and module.deep_equals(cst.parse_module(text))
    with pytest.raises(cst.CSTValidationError, match="empty name"):
        cst.Name("")
