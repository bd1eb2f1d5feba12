"""Time the provider pass alone (TW103's detect) over a tree, for one checkout.

    python3 benchmarks/providers/speed.py TREE [--src SRC] [--engine hyperscan|aho-corasick|re|python]

Reads every text file under TREE once (excluded from the timing), then runs the
``provider-token`` rule's detect over each, in this process, and prints the total. With
``--engine`` the catalogue's prefilter is forced (this checkout only): ``hyperscan`` needs
the ``fast`` extra, ``python`` is the catalogue's pure-Python fallback automaton, ``re`` one
alternation of look-aheads kept here for the comparison only.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path


class Alternation:
    """Python's ``re``: one look-ahead alternation (longest anchor first) reports each
    position where an anchor starts; shorter anchors that start there too are added from
    a table, so every occurrence is found, as with Aho-Corasick. Kept here for the
    comparison only: the catalogue's fallback is the pure-Python automaton (faster)."""

    def __init__(self, anchors: tuple[str, ...]) -> None:
        order = sorted(range(len(anchors)), key=lambda n: -len(anchors[n]))
        self._regex = re.compile(
            "(?=(" + "|".join(re.escape(anchors[n]) for n in order) + "))")
        self._starting: dict[str, tuple[int, ...]] = {
            anchor: tuple(n for n, other in enumerate(anchors) if anchor.startswith(other))
            for anchor in anchors
        }

    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        for match in self._regex.finditer(lowered):
            for number in self._starting[match.group(1)]:
                yield match.start(), number


def texts(tree: Path) -> list[tuple[str, str]]:
    found = []
    for folder, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in (".git", "node_modules", "__pycache__")]
        for name in names:
            path = Path(folder, name)
            try:
                data = path.read_bytes()
                if b"\0" in data[:8192] or len(data) > 2 * 1024 * 1024:
                    continue
                found.append((str(path), data.decode("utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[2] / "src")
    parser.add_argument("--engine", choices=("hyperscan", "aho-corasick", "re", "python"))
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    from tokenward.analysis.source import Source
    from tokenward.config import Config
    from tokenward.rules.provider_token import RULE

    if args.engine:
        from tokenward.analysis import provider_matcher as matcher
        from tokenward.analysis.providers import catalogue

        table = matcher.compile_catalogue(
            catalogue(), "aho-corasick" if args.engine == "re" else args.engine)
        if args.engine == "re":
            table = matcher.Compiled(table.rows, table.anchors, table.owners,
                                     Alternation(table.anchors), table.order)
        matcher.compiled.cache_clear()
        matcher.compiled = lambda: table  # type: ignore[assignment]
    files = texts(args.tree)
    config = Config()
    hits = 0
    start = time.perf_counter()
    for path, text in files:
        hits += sum(1 for _ in RULE.detect(Source(path, text, "text", config)))
    elapsed = time.perf_counter() - start
    size = sum(len(t) for _, t in files) / 1e6
    print(f"{len(files)} files, {size:.1f} M characters: provider pass {elapsed:.2f} s, "
          f"{hits} hits ({args.src}, engine {args.engine or 'default'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
