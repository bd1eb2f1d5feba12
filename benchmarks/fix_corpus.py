"""``tokenward fix --write`` on a copy of the accuracy corpus, then a re-scan.

Prints, for the rewrite of every Python file of the corpus:

- fixable Python findings before, and remaining after (target: 0 remaining);
- secret literals remaining in the rewritten Python files (target: 0);
- moved secrets retrievable by their name from .env or the vault (target: all);
- rewritten files that do not parse, and files a second fix would change (targets: 0);
- files left untouched and findings not fixed, with the reasons;
- the share of the Python secrets (hard-coded-secret findings in ``.py`` files, fixable or
  not) that were moved out of the code (target: at least 95%);
- the weak-generation findings rewritten to ``secrets`` (the others are left by hand where
  a rewrite would change what the value means).

Provider tokens in every shape ``fix`` handles are added to the copy first (one file per
shape under ``providers_generated/``), generated at run time with valid checksums where the
format has one: never real tokens, and nothing token-shaped is stored in the repository.
Each generated token must end up out of its file and retrievable by its name.

Usage (from the repository root)::

    PYTHONPATH=src python3 benchmarks/fix_corpus.py [--corpus DIR] [--to env|store]

The corpus is never modified: it is copied to a temporary folder first. Exit status 0 when
every target is met, 1 otherwise, 2 when there is no corpus.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import libcst as cst

from tokenward.analysis.providers import base62_checksum
from tokenward.config import Config
from tokenward.fix.engine import (
    FixOptions,
    apply_plan,
    open_destination,
    plan_fixes,
    still_spelled,
)
from tokenward.fix.services import Destination
from tokenward.model import Category, ScanResult
from tokenward.scanner.pipeline import ScanRequest, run_pipeline, scan

DEFAULT_CORPUS = Path(__file__).resolve().parent / "accuracy" / "corpus"
GENERATED = "providers_generated"
TARGET_SHARE = 0.95
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _tokens(seed: int = 13) -> dict[str, str]:
    """Fake provider tokens, made now (GitHub and npm with their CRC32 checksum)."""
    rng = random.Random(seed)

    def run(chars: str, length: int) -> str:
        return "".join(rng.choice(chars) for _ in range(length))

    def crc(prefix: str) -> str:
        body = run(_B62, 30)
        return f"{prefix}{body}{base62_checksum(body)}"

    return {
        "github": crc("ghp_"), "github_oauth": crc("gho_"), "npm": crc("npm_"),
        "sendgrid": f"SG.{run(_B62, 22)}.{run(_B62, 43)}",
        "slack": f"xoxb-{run('0123456789', 11)}-{run('0123456789', 12)}-{run(_B62, 24)}",
        "openai": f"sk-proj-{run(_B62, 48)}",
        "stripe": f"sk_live_{run(_B62, 32)}", "stripe_restricted": f"rk_live_{run(_B62, 32)}",
    }


def provider_shapes(tokens: dict[str, str]) -> dict[str, tuple[str, str]]:
    """File name -> (Python source, the token it holds): every shape of issue 13 item 3."""
    t = tokens
    return {
        "bound_secret_name.py": (f'GITHUB_TOKEN = "{t["github"]}"\n', t["github"]),
        "bound_other_name.py": (f'deploy_credential = "{t["github_oauth"]}"\n',
                                t["github_oauth"]),
        "module_attribute.py": (f'import stripe\n\nstripe.api_key = '
                                f'"{t["stripe_restricted"]}"\n', t["stripe_restricted"]),
        "no_binding.py": (f'def main():\n    print("{t["stripe"]}")\n', t["stripe"]),
        "sendgrid_client.py": ('from sendgrid import SendGridAPIClient\n\n'
                               f'client = SendGridAPIClient("{t["sendgrid"]}")\n',
                               t["sendgrid"]),
        "github_client.py": (f'from github import Github\n\ngh = Github("{t["github"]}")\n',
                             t["github"]),
        "slack_client.py": ('from slack_sdk import WebClient\n\n'
                            f'slack = WebClient("{t["slack"]}")\n', t["slack"]),
        "openai_client.py": ('from openai import OpenAI\n\n'
                             f'client = OpenAI(api_key="{t["openai"]}")\n', t["openai"]),
        "url.py": (f'REMOTE = "https://x-access-token:{t["github"]}@github.com/o/r.git"\n',
                   t["github"]),
        "header.py": ('import requests\n\nrequests.get("https://api.openai.com/v1/models", '
                      f'headers={{"Authorization": "Bearer {t["openai"]}"}})\n', t["openai"]),
        "npmrc_line.py": ('NPMRC = "//registry.npmjs.org/:_authToken='
                          f'{t["npm"]}\\n"\n', t["npm"]),
        "fstring.py": (f'def label(user):\n    return f"token={t["github"]} for {{user}}"\n',
                       t["github"]),
        "concatenation.py": (f'AUTH = "token " + "{t["github_oauth"]}"\n', t["github_oauth"]),
        "dict_value.py": (f'SETTINGS = {{"sendgrid": "{t["sendgrid"]}"}}\n', t["sendgrid"]),
    }


def _add_provider_shapes(root: Path) -> dict[str, str]:
    folder = root / GENERATED
    folder.mkdir()
    held = {}
    for name, (code, token) in provider_shapes(_tokens()).items():
        (folder / name).write_text(code, encoding="utf-8")
        held[f"{GENERATED}/{name}"] = token
    return held


def _python_secrets(result: ScanResult) -> set[str]:
    return {f.fingerprint for f in result.active
            if f.path.endswith(".py") and f.category.value == "hardcoded-secret"}


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
        generated = _add_provider_shapes(root)
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
        # A moved value left in its own file, or a long one anywhere (the same key pasted
        # twice); a short one elsewhere is a word ("dev"), not evidence of this secret.
        leaked = sorted({f"{path.relative_to(root)} ({m.name} from {m.path})"
                         for m in report.moved for path, text in texts.items()
                         if (path == root / m.path or len(m.value) >= 12)
                         and still_spelled(m.spelled, text)})
        store = open_destination(destination, root)
        retrievable = sum(1 for m in report.moved if store.retrieve(m.name) == m.value)
        remaining = _fixable_python(after)
        secrets = _python_secrets(before)
        written = {x.fingerprint for f in report.written for x in f.applied}
        moved_share = len(secrets & written) / len(secrets) if secrets else 1.0
        stored = {m.value for m in report.moved if store.retrieve(m.name) == m.value}
        tokens_out = [path for path, token in generated.items()
                      if token not in (root / path).read_text(encoding="utf-8")
                      and token in stored]

        python_files = sum(1 for p in root.rglob("*.py"))
        print(f"corpus: {args.corpus} ({python_files} Python files), destination: {args.to}")
        print(f"fixable Python findings before:          {len(_fixable_python(before))}")
        print(f"fixed:                                   {len(plan.fixed)} in "
              f"{len(report.written)} files ({elapsed:.2f} s)")
        print(f"fixable Python findings remaining:       {len(remaining)}")
        print(f"secret literals left in rewritten files: {len(leaked)}")
        for where in leaked:
            print(f"  left: {where}")
        print(f"moved secrets retrievable by name:       {retrievable}/{len(report.moved)}")
        print(f"rewritten files that do not parse:       {len(unparsable)}")
        print(f"files a second fix would change:         {len(second.files)}")
        print(f"Python secrets moved out of the code:    {len(secrets & written)}/"
              f"{len(secrets)} ({moved_share:.1%}; target {TARGET_SHARE:.0%})")
        print(f"generated provider tokens moved:         {len(tokens_out)}/{len(generated)}")
        for path in sorted(set(generated) - set(tokens_out)):
            print(f"  still in the code: {path}")
        for finding in sorted((f for f in before.active if f.fingerprint in secrets - written),
                              key=lambda f: f.sort_key()):
            print(f"  not moved: {finding.path}:{finding.line} {finding.rule_id} "
                  f"{finding.message}")
        manual = Counter(Path(m.finding.path).suffix or m.finding.path for m in plan.manual)
        print(f"needing a fix by hand (reported):        {len(plan.manual)} ("
              + ", ".join(f"{kind} {n}" for kind, n in sorted(manual.items())) + ")")
        weak = [f for f in before.active if f.category is Category.WEAK_GENERATION
                and f.path.endswith(".py")]
        weak_fixed = {f.fingerprint for f in plan.fixed} & {f.fingerprint for f in weak}
        print(f"weak-generation findings rewritten:      {len(weak_fixed)}/{len(weak)} "
              "(the others change meaning if rewritten: seeded, derived from input, ...)")
        by_rule = Counter(f.rule_id for f in plan.fixed)
        print("fixes by rule:                           "
              + ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())))
        print(f"not fixed ({len(report.problems)}):")
        for problem in report.problems:
            print(f"  {problem.where()} {problem.rule_id or ''} {problem.message}")
        for item in remaining:
            print(f"  remaining: {item}")
        ok = (not remaining and not leaked and not unparsable and not second.files
              and retrievable == len(report.moved) and moved_share >= TARGET_SHARE
              and len(tokens_out) == len(generated))
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
