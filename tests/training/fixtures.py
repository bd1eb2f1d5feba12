"""A small team codebase with known mistakes, and a test-only rule that the fix engine fixes.

The probe rule (TW901) stands in for the name-based secret rules being written elsewhere:
it reports a short password that the scanner's token mask alone would not hide, so the
tests prove that lessons replace every secret the scanner found, not only token-shaped
ones; and it declares the move-secret fix, so lessons show a real `tokenward fix` diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tokenward.analysis.providers import base62_checksum
from tokenward.analysis.source import Source
from tokenward.config import load_config
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules import RULES, RULES_BY_ID
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs
from tokenward.scanner.pipeline import ScanOutcome, ScanRequest, run_pipeline


def github_token(body: str) -> str:
    """A GitHub classic token with a valid checksum (so TW103 reports it)."""
    assert len(body) == 30
    return f"ghp_{body}{base62_checksum(body)}"


TOKEN = github_token("Zq8Lw2Nc5Rt7Yb1Kx4Mv9Hs3Pd6Gf0")
YAML_TOKEN = github_token("Ae5Tj2Wq9Lm4Xc7Bn1Vr8Ks3Hd6Py0")
PASSWORD = "hunter2-Blue"  # 12 characters: too short for the token mask to hide

_PASSWORD = re.compile(r'^\s*([A-Za-z_]*password[A-Za-z_]*)\s*=\s*("([^"\n]+)")', re.M)


def _detect(source: Source) -> Iterator[Hit]:
    for match in _PASSWORD.finditer(source.text):
        line = source.text.count("\n", 0, match.start(2)) + 1
        column = match.start(2) - (source.text.rfind("\n", 0, match.start(2)) + 1) + 1
        yield Hit(Span(line, column, line, column + len(match.group(2))),
                  secret=match.group(3), target=match.group(1))


PASSWORD_RULE = Rule(
    id="TW901", name="test-password", title="Password in code (test rule)",
    category=Category.HARDCODED_SECRET, severity=Severity.HIGH, cwe=(259,),
    message="password in {target}", hint="load it from the environment",
    docs=RuleDocs(what="A password literal.", why="It leaks.", how="Use the environment.",
                  not_flagged="Everything else."),
    detect=_detect, kinds=PYTHON, keywords=("password",), fix="move-secret",
    bad=(Example('db_password = "Kq7-wLp2-Zr"\n',
                 expect=(Expected(1, 15, "password in db_password"),)),),
    good=(Example('import os\ndb_password = os.environ["DB_PASSWORD"]\n'),),
)

# A fixed set for tests of the content (stable while other rules are added), and every
# rule for the tests that prove the output safe.
CORE_RULES = (RULES_BY_ID["TW103"], RULES_BY_ID["TW201"], PASSWORD_RULE)
ALL_RULES = (*RULES, PASSWORD_RULE)

CLIENT = f'''"""Sync issues from GitHub."""
import requests

GITHUB_TOKEN = "{TOKEN}"


def issues():
    return requests.get("https://api.github.com/issues",
                        headers={{"Authorization": f"token {{GITHUB_TOKEN}}"}})
'''

SETTINGS = f'''DEBUG = False
db_password = "{PASSWORD}"
'''

TOKENS = '''import random
import string

ALPHABET = string.ascii_letters + string.digits


def new_api_token():
    return "".join(random.choice(ALPHABET) for _ in range(32))


def new_session_id():
    return "".join(random.choice(ALPHABET) for _ in range(24))
'''

CONFIG = f'''github:
  owner: notes
  token: {YAML_TOKEN}
'''

SECRETS = (TOKEN, YAML_TOKEN, PASSWORD)


FILES = {"client.py": CLIENT, "settings.py": SETTINGS, "tokens.py": TOKENS,
         "config.yaml": CONFIG}


def write_app(root: Path, only: tuple[str, ...] = tuple(FILES)) -> Path:
    app = root / "app"
    app.mkdir(parents=True)
    for name in only:
        (app / name).write_text(FILES[name], encoding="utf-8")
    return app


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def write_big_tree(root: Path, copies: int = 3) -> Path:
    """A larger application: every rule's bad examples, ``copies`` times over, so that
    every rule fires (about as many findings as the 92-file application of issue 18)."""
    tree = root / "big"
    for copy in range(copies):
        for rule in RULES:
            for number, example in enumerate(rule.bad):
                target = tree / f"svc{copy}" / rule.name / str(number) / example.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(example.text, encoding="utf-8")
    return tree


def outcome_in(root: Path, *paths: str) -> ScanOutcome:
    """The pipeline's outcome for ``paths``, run from ``root`` (as `tokenward train` would
    be), the current folder restored after."""
    import os

    cwd = Path.cwd()
    os.chdir(root)
    try:
        # The project's own settings, as `tokenward train` reads them (they scan the
        # example apps as production code).
        return run_pipeline(ScanRequest(paths=paths), load_config(root, rules=RULES))
    finally:
        os.chdir(cwd)
