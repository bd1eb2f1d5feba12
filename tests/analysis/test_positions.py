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
