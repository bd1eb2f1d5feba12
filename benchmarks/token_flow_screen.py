"""TW201's screen against its walker: ``token_flow.may_be_token_use`` (over ``ast``) must
say yes wherever ``token_flow.token_use`` (over libcst) finds a use as a token.

Every call of every Python file under the trees is asked both ways (the walker as TW201
asks it for a weak source, and for a timestamp); a call the walker finds used as a token
that the screen turns away is printed as UNSOUND, and the exit code is 1. It also prints
how many calls the screen lets through: the fewer, the fewer files TW201 parses. Run it
after changing either walk (the default trees: the real-world set, the test fixtures and
the accuracy corpora; add Django's or Home Assistant's source for more):

    PYTHONPATH=src python3 benchmarks/token_flow_screen.py [TREE ...]
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import libcst as cst

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.token_flow import may_be_token_use, token_use
from tokenward.config import Config

HERE = Path(__file__).resolve().parent
DEFAULT_TREES = (Path("/tmp/tokenward-realworld"), HERE.parent / "tests",
                 HERE.parent / "examples", HERE / "accuracy")
LARGEST = 400_000  # characters: the walker on a generated module takes minutes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=list(DEFAULT_TREES))
    args = parser.parse_args()
    files = calls = uses = through = unsound = 0
    for tree in args.trees:
        if not tree.is_dir():
            print(f"(no {tree}: skipped)")
            continue
        for path in sorted(tree.rglob("*.py")):
            counts = _compare(path)
            if counts is None:
                continue
            files += 1
            calls, uses = calls + counts[0], uses + counts[1]
            through, unsound = through + counts[2], unsound + counts[3]
    print(f"{files} files, {calls} calls: the walker finds {uses} used as a token; the "
          f"screen lets {through} through ({through / max(calls, 1):.1%}); missed: {unsound}")
    return 1 if unsound else 0


def _compare(path: Path) -> tuple[int, int, int, int] | None:
    """(calls, those the walker finds used as a token, those the screen lets through,
    uses it missed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if len(text) > LARGEST:
        return None
    # Two sources: the ast tree is freed once a libcst tree is built (Source.module).
    screen = Source(str(path), text, FileKind.PYTHON, Config())
    walker = Source(str(path), text, FileKind.PYTHON, Config())
    if screen.syntax is None or walker.index is None:
        return None
    by_line: dict[int, list[ast.Call]] = {}
    for node in screen.syntax_of(ast.Call):
        by_line.setdefault(node.lineno, []).append(node)
    verdicts = {id(node): may_be_token_use(screen, node)
                for nodes in by_line.values() for node in nodes}
    uses = missed = 0
    for call in walker.index.of(cst.Call):
        try:
            used = token_use(walker, call) or token_use(walker, call, time_value=True)
        except RecursionError:
            continue
        # The libcst call's ast twin: the calls of its line (column conventions differ).
        line = walker.span(call).line
        if used:
            uses += 1
            if not any(verdicts[id(node)] for node in by_line.get(line, ())):
                missed += 1
                print(f"UNSOUND {path}:{line}: the walker finds {used!r}", file=sys.stderr)
    return len(verdicts), uses, sum(verdicts.values()), missed


if __name__ == "__main__":
    sys.exit(main())
