"""Time the provider pass alone (TW103's detect) over a tree, for one checkout.

    python3 benchmarks/providers/speed.py TREE [--src SRC] [--engine aho-corasick|re|python]

Reads every text file under TREE once (excluded from the timing), then runs the
``provider-token`` rule's detect over each, in this process, and prints the total. With
``--engine`` the catalogue's prefilter is forced (this checkout only): ``python`` is a
pure-Python Aho-Corasick automaton kept here for the comparison only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path


class PythonAhoCorasick:
    """Textbook Aho-Corasick in pure Python (dict goto, failure links, output sets)."""

    def __init__(self, anchors: tuple[str, ...]) -> None:
        self.goto: list[dict[str, int]] = [{}]
        self.out: list[list[tuple[int, int]]] = [[]]
        for number, anchor in enumerate(anchors):
            state = 0
            for char in anchor:
                nxt = self.goto[state].get(char)
                if nxt is None:
                    nxt = len(self.goto)
                    self.goto.append({})
                    self.out.append([])
                    self.goto[state][char] = nxt
                state = nxt
            self.out[state].append((number, len(anchor)))
        self.fail = [0] * len(self.goto)
        queue = list(self.goto[0].values())
        while queue:
            state = queue.pop(0)
            for char, nxt in self.goto[state].items():
                queue.append(nxt)
                fallback = self.fail[state]
                while fallback and char not in self.goto[fallback]:
                    fallback = self.fail[fallback]
                target = self.goto[fallback].get(char, 0)
                self.fail[nxt] = target if target != nxt else 0
                self.out[nxt] = self.out[nxt] + self.out[self.fail[nxt]]

    def hits(self, lowered: str) -> Iterator[tuple[int, int]]:
        goto, fail, out = self.goto, self.fail, self.out
        state = 0
        for index, char in enumerate(lowered):
            while state and char not in goto[state]:
                state = fail[state]
            state = goto[state].get(char, 0)
            for number, length in out[state]:
                yield index - length + 1, number


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
    parser.add_argument("--engine", choices=("aho-corasick", "re", "python"))
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    from tokenward.analysis.source import Source
    from tokenward.config import Config
    from tokenward.rules.provider_token import RULE

    if args.engine:
        from tokenward.analysis import provider_matcher as matcher
        from tokenward.analysis.providers import catalogue

        table = matcher.compile_catalogue(catalogue(), "re" if args.engine == "re" else "auto")
        if args.engine == "python":
            table = matcher.Compiled(table.rows, table.anchors, table.owners,
                                     PythonAhoCorasick(table.anchors), table.order)
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
