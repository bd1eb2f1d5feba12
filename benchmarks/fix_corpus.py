"""``tokenward fix --write`` on a copy of the accuracy corpus, then a re-scan.

Prints, for the rewrite of every Python file of the corpus:

- fixable Python findings before, and remaining after (target: 0 remaining);
- secret literals remaining in the rewritten Python files (target: 0);
- moved secrets retrievable by their name from .env or the vault (target: all);
- rewritten files that do not parse, and files a second fix would change (targets: 0);
- files left untouched and findings not fixed, with the reasons.

Usage (from the repository root)::

    PYTHONPATH=src python3 benchmarks/fix_corpus.py [--corpus DIR] [--to env|store]

The corpus is never modified: it is copied to a temporary folder first. Exit status 0 when
every target is met, 1 otherwise, 2 when there is no corpus.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import libcst as cst

from tokenward.config import Config
from tokenward.fix.engine import FixOptions, apply_plan, open_destination, plan_fixes
from tokenward.fix.services import Destination
from tokenward.model import ScanResult
from tokenward.scanner.pipeline import ScanRequest, run_pipeline, scan

DEFAULT_CORPUS = Path(__file__).resolve().parent / "accuracy" / "corpus"


def _fixable_python(result: ScanResult) -> list[str]:
    return [f"{f.path}:{f.line} {f.rule_id}" for f in result.active
            if f.fixable and f.path.endswith(".py")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--to", choices=("env", "store"), default="env")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tokenward-fix-corpus-") as scratch:
        root = Path(scratch) / "project"
        shutil.copytree(args.corpus, root)
        os.environ["TOKENWARD_VAULT"] = str(Path(scratch) / "vault" / "vault.json")
        os.environ["TOKENWARD_KEY_FILE"] = str(Path(scratch) / "vault" / "vault.key")
        os.environ["TOKENWARD_CACHE_DIR"] = str(Path(scratch) / "cache")
        os.chdir(root)
        config = Config(root=str(root), cache=False)
        destination = Destination(args.to)

        before = scan(["."], config, use_cache=False)
        started = time.perf_counter()
        plan = plan_fixes(run_pipeline(ScanRequest(paths=(".",)), config), config,
                          options=FixOptions(destination, root))
        report = apply_plan(plan)
        elapsed = time.perf_counter() - started
        after = scan(["."], config, use_cache=False)
        second = plan_fixes(run_pipeline(ScanRequest(paths=(".",)), config), config,
                            options=FixOptions(destination, root))

        rewritten = [root / f.path for f in report.written]
        texts = {path: path.read_text(encoding="utf-8", errors="surrogateescape")
                 for path in rewritten}
        unparsable = [str(p.relative_to(root)) for p, text in texts.items()
                      if not _parses(text)]
        leaked = sorted({f"{m.path} ({m.name})" for m in report.moved
                         for text in texts.values() if m.value in text})
        store = open_destination(destination, root)
        retrievable = sum(1 for m in report.moved if store.retrieve(m.name) == m.value)
        remaining = _fixable_python(after)

        python_files = sum(1 for p in root.rglob("*.py"))
        print(f"corpus: {args.corpus} ({python_files} Python files), destination: {args.to}")
        print(f"fixable Python findings before:          {len(_fixable_python(before))}")
        print(f"fixed:                                   {len(plan.fixed)} in "
              f"{len(report.written)} files ({elapsed:.2f} s)")
        print(f"fixable Python findings remaining:       {len(remaining)}")
        print(f"secret literals left in rewritten files: {len(leaked)}")
        print(f"moved secrets retrievable by name:       {retrievable}/{len(report.moved)}")
        print(f"rewritten files that do not parse:       {len(unparsable)}")
        print(f"files a second fix would change:         {len(second.files)}")
        manual = Counter(Path(m.finding.path).suffix or m.finding.path for m in plan.manual)
        print(f"needing a fix by hand (reported):        {len(plan.manual)} ("
              + ", ".join(f"{kind} {n}" for kind, n in sorted(manual.items())) + ")")
        by_rule = Counter(f.rule_id for f in plan.fixed)
        print("fixes by rule:                           "
              + ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())))
        print(f"not fixed ({len(report.problems)}):")
        for problem in report.problems:
            print(f"  {problem.where()} {problem.rule_id or ''} {problem.message}")
        for item in remaining:
            print(f"  remaining: {item}")
        ok = (not remaining and not leaked and not unparsable and not second.files
              and retrievable == len(report.moved))
        os.chdir(Path(scratch).parent)
    return 0 if ok else 1


def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
        compile(text, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
