"""analysis/positions.py gives every node the range libcst's PositionProvider gives it."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from tokenward.analysis.positions import Range, node_ranges

SAMPLE = (
    "# header comment\n"
    "@decorator(\n"
    "    arg=1,\n"
    ")\n"
    "async def f(a, *, b: int = 2) -> str:\n"
    '    """Doc\n'
    '    string."""\n'
    "    x = ('abc'\n"
    "         'def')  # trailing\n"
    "    y = f\"Bearer {x!r:>{a}}\" + 'tail'\n"
    "    if a:\n"
    "        pass\n"
    "    return x if b else y\r\n"
    "class C(Base, metaclass=M):\r"
    "    key: str = 'ünïcode'; other = lambda q: q  \n"
    "z = [i for i in range(3) if i]\n"
)


def reference(module: cst.Module) -> dict[cst.CSTNode, Range]:
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {node: ((r.start.line, r.start.column), (r.end.line, r.end.column))
            for node, r in ranges.items()}


@pytest.mark.parametrize("code", [
    SAMPLE,
    "",
    "x = 1",  # no final newline
    Path(__file__).resolve().parents[2].joinpath(
        "src/tokenward/analysis/vocabulary.py").read_text(),
])
def test_every_node_has_the_range_position_provider_gives(code: str) -> None:
    module = cst.parse_module(code)
    assert node_ranges(module) == reference(module)


def test_a_string_split_over_lines_spans_both() -> None:
    module = cst.parse_module(SAMPLE)
    concatenated = next(n for n in node_ranges(module)
                        if isinstance(n, cst.ConcatenatedString))
    assert node_ranges(module)[concatenated] == ((8, 9), (9, 14))


def _source(code: str):  # type: ignore[no-untyped-def]
    from tokenward.analysis.source import FileKind, Source
    from tokenward.config import Config

    return Source("app/sample.py", code, FileKind.PYTHON, Config())


def _by_statement(code: str):  # type: ignore[no-untyped-def]
    """The source, and every node's range as Source.span reads it: each from its top-level
    statement's code alone."""
    source = _source(code)
    assert source.index is not None
    found: dict[cst.CSTNode, Range] = {}
    for statement in source.module.body:
        ranges = source._positions_in(statement)
        assert ranges is not None, type(statement).__name__
        found.update(ranges)
    assert "_positions" not in source.__dict__  # the whole file's code was not generated
    return source, found


@pytest.mark.parametrize("code", [
    SAMPLE,
    # Comments and blank lines before decorators and between them; ;-joined statements.
    "import os\n\n\n# a comment\n\n@first\n# between\n@second(1)\nclass K:\n    pass\n"
    "a = 1; b = 2\nif a:\n    b = 3\n",
])
def test_a_statement_alone_gives_its_nodes_the_whole_files_ranges(code: str) -> None:
    source, by_statement = _by_statement(code)
    whole = node_ranges(source.module)
    assert by_statement == {node: whole[node] for node in by_statement}
    # Every node but the module and the comment lines of its header.
    missing = [type(node).__name__ for node in whole if node not in by_statement]
    assert sorted(missing) == sorted(
        ["Module"] + ["EmptyLine", "SimpleWhitespace", "Comment", "Newline"]
        * len(source.module.header))


def test_span_reads_one_statement_and_the_last_line_without_break_the_whole_file() -> None:
    source = _source("x = 1\nname = 'ab'\ny = f(name)")  # no line break at the end
    assert source.index is not None
    second, last = source.module.body[1], source.module.body[2]
    assert source.span(second).line == 2 and "_positions" not in source.__dict__
    # The last statement's generated code ends with a line break the file lacks: its
    # range comes from the whole file's ranges.
    assert source._positions_in(last) is None
    assert source.span(last).line == 3 and "_positions" in source.__dict__


def test_past_the_most_statements_spans_come_from_the_whole_file() -> None:
    code = "".join(f"x{n} = f({n})\n" for n in range(40))
    source = _source(code)
    assert source.index is not None
    spans = [source.span(statement).line for statement in source.module.body]
    assert spans == list(range(1, 41))
    assert len(source._statement_positions) == 32 and "_positions" in source.__dict__
