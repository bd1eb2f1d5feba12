"""The rules' screens lose nothing: every rule that screens a Python file on its ``ast``
tree (``Rule.screens``) must find, on every file, what it finds when its libcst tree is
built before it runs (a built tree lets every screen through).

Each Python file under the trees is read twice: once as a scan reads it (the screens
decide), once with the libcst tree built first; a rule whose findings differ is printed
as UNSOUND with the file, and the exit code is 1. It also prints, per rule, on how many
files its screen kept the tree unbuilt. Run it after changing a screen or the search it
stands for (the default trees: the real-world set, the test fixtures and the accuracy
corpora; add Django's or Home Assistant's source for more):

    PYTHONPATH=src python3 benchmarks/screens.py [--rule ID ...] [TREE ...]

``--rule`` (repeatable) checks only those rules: after a change to one screen, a run
over Home Assistant's wheel or Django's source takes minutes instead of most of an hour.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from tokenward.analysis.source import FileKind, Source
from tokenward.config import Config
from tokenward.model import Hit
from tokenward.rules import RULES
from tokenward.rules.base import Rule

HERE = Path(__file__).resolve().parent
DEFAULT_TREES = (Path("/tmp/tokenward-realworld"), HERE.parent / "tests",
                 HERE.parent / "examples", HERE / "accuracy")
LARGEST = 400_000  # characters: a generated module's tree takes minutes
SCREENING = tuple(rule for rule in RULES if rule.screens and rule.applies_to(FileKind.PYTHON))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=list(DEFAULT_TREES))
    parser.add_argument("--rule", action="append", default=[], metavar="ID",
                        help="check only this screening rule (repeatable)")
    args = parser.parse_args()
    known = {rule.id for rule in SCREENING}
    unknown = sorted(set(args.rule) - known)
    if unknown:
        parser.error(f"not a screening rule: {', '.join(unknown)} "
                     f"(screening rules: {', '.join(sorted(known))})")
    rules = [rule for rule in SCREENING if not args.rule or rule.id in args.rule]
    files, spared, unsound = 0, Counter[str](), 0
    for tree in args.trees:
        if not tree.is_dir():
            print(f"(no {tree}: skipped)")
            continue
        for path in sorted(tree.rglob("*.py")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if len(text) > LARGEST:
                continue
            files += 1
            for rule in rules:
                if rule.wants(text.lower()):
                    kept, lost = _compare(rule, path, text)
                    spared[rule.id] += kept
                    unsound += lost
    print(f"{files} files; trees a screen kept unbuilt, by rule: "
          + ", ".join(f"{rule} {count}" for rule, count in sorted(spared.items())))
    print(f"findings a screen lost: {unsound}")
    return 1 if unsound else 0


def _compare(rule: Rule, path: Path, text: str) -> tuple[bool, bool]:
    """(whether the screen kept the tree unbuilt, whether it lost a finding)."""
    screened = Source(str(path), text, FileKind.PYTHON, Config())
    built = Source(str(path), text, FileKind.PYTHON, Config())
    if built.module is None:
        return False, False
    try:
        found = sorted(map(_key, rule.detect(screened)))
        expected = sorted(map(_key, rule.detect(built)))
    except RecursionError:
        return False, False
    if found != expected:
        print(f"UNSOUND {rule.id} {path}: {len(expected)} expected, {len(found)} found",
              file=sys.stderr)
    return "module" not in screened.__dict__, found != expected


def _key(hit: Hit) -> tuple[int, int, int, int, str, str]:
    span = hit.span
    return (span.line, span.column, span.end_line, span.end_column, hit.target or "",
            hit.detail or "")


if __name__ == "__main__":
    sys.exit(main())
