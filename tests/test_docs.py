"""Generated documentation stays in step with the rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_docs_rules_are_up_to_date() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rule_docs.py"), "--check"],
                         capture_output=True, text=True, check=False)
    assert (out.returncode, out.stdout) == (0, "")


def test_every_rule_help_uri_names_a_file_that_exists() -> None:
    from tokenward.rules import RULES

    for rule in RULES:
        assert rule.help_uri.endswith(f"docs/rules/{rule.id}.md")
        assert (ROOT / "docs" / "rules" / f"{rule.id}.md").is_file()
