"""NodeIndex reads children from dataclass fields: same nodes, same source order as libcst's
own (slow) ``children``, for every node type a rule looks for."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import Any

import libcst as cst

from tokenward.analysis.source import NodeIndex, _layout_types

SAMPLE = textwrap.dedent('''
    import os as o
    from a.b import c as d

    @decorator("x")
    async def f(a: "A" = "d1", *args, key="k", **kw) -> "R":
        try:
            x = "then" if cond("t") else "else"
        except Error("e") as err:
            pass
        async with open("w") as h:
            async for i in gen("g"):
                call(value="v", *rest)
        match cmd("m"):
            case [p] if guard("g2"):
                pass
        return {k: v for k, v in items("i")}

    class K(Base("b"), metaclass=M("m")):
        attr: str = "s"
        lam = lambda q="l": q
''')

_PUNCTUATION = ("Whitespace", "Comma", "Paren", "Bracket", "Brace", "Newline", "EmptyLine",
                "Comment", "Dot", "AssignEqual", "Colon", "Semicolon", "Equal")


def _reference(module: cst.Module) -> dict[type[Any], list[int]]:
    by_type: dict[type[Any], list[int]] = defaultdict(list)
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        by_type[type(node)].append(id(node))
        stack.extend(reversed(node.children))
    return by_type


def test_same_nodes_in_the_same_order_as_libcst_children() -> None:
    module = cst.parse_module(SAMPLE)
    index = NodeIndex(module)
    reference = _reference(module)
    layout = _layout_types()
    for node_type, ids in reference.items():
        if node_type in layout:
            assert index.of(node_type) == [], node_type.__name__  # deliberately not indexed
        elif any(p in node_type.__name__ for p in _PUNCTUATION):
            assert sorted(id(n) for n in index.of(node_type)) == sorted(ids)
        else:
            assert [id(n) for n in index.of(node_type)] == ids, node_type.__name__


def test_strings_come_in_source_order() -> None:
    index = NodeIndex(cst.parse_module(SAMPLE))
    values = [s.value.strip("\"'") for s in index.of(cst.SimpleString)]
    assert values == ["x", "A", "d1", "k", "R", "then", "t", "else", "e", "w", "g", "v", "m",
                      "g2", "i", "b", "m", "s", "l"]
