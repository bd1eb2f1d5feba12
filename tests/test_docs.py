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


def test_readme_names_every_report_format_where_it_documents_format() -> None:
    from tokenward.cli.common import OutputFormat

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [scan_row] = [line for line in readme.splitlines() if line.startswith("| `--format`")]
    merge_text = readme[readme.index("`merge` reads tokenward JSON"):][:200]
    for documented in (scan_row, merge_text):
        assert [f.value for f in OutputFormat if f"`{f.value}`" not in documented] == []


def test_explain_never_says_automatic_and_no_automatic_fix_on_one_page() -> None:
    from tokenward.reporters.rule_docs import render_markdown
    from tokenward.rules import RULES
    from tokenward.rules.base import RuleDocs

    default = RuleDocs(what="", why="", how="", not_flagged="").fix_safety
    for rule in RULES:
        page = render_markdown(rule)
        if rule.fixable:
            assert (rule.id, "Fix: automatic" in page, "no automatic fix" in page.lower(),
                    rule.docs.fix_safety == default) == (rule.id, True, False, False)
        else:
            assert (rule.id, "Fix: manual" in page, "Fix: automatic" in page) == (
                rule.id, True, False)
