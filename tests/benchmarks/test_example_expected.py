"""examples/vulnerable_app/EXPECTED.md must stay in step with the files it describes."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "examples" / "vulnerable_app"
ROW = re.compile(
    r"^\| `(?P<path>[^`:]+):(?P<line>\d+)` \| (?P<category>[a-z-]+) \| (?P<text>.+) \|$"
)
CATEGORIES = ("hardcoded-secret", "weak-generation", "missing-expiry", "broad-scope",
              "insecure-transport", "token-exposure")


def _rows() -> list[re.Match[str]]:
    lines = (APP / "EXPECTED.md").read_text(encoding="utf-8").splitlines()
    return [m for m in map(ROW.match, lines) if m]


def test_expected_rows_cover_every_category_in_range() -> None:
    rows = _rows()
    assert 15 <= len(rows) <= 25
    assert set(Counter(r["category"] for r in rows)) == set(CATEGORIES)


def test_expected_rows_point_at_non_blank_lines() -> None:
    bad = []
    for row in _rows():
        lines = (APP / row["path"]).read_text(encoding="utf-8").splitlines()
        number = int(row["line"])
        if not 1 <= number <= len(lines) or not lines[number - 1].strip():
            bad.append(f"{row['path']}:{number}")
    assert bad == []


def test_expected_rows_are_unique() -> None:
    keys = Counter((r["path"], r["line"], r["category"]) for r in _rows())
    assert [k for k, n in keys.items() if n > 1] == []


def test_the_scan_reports_exactly_the_expected_findings() -> None:
    """The README's first command: every intended mistake is found, nothing else."""
    import os

    from tokenward.config import Config
    from tokenward.scanner.pipeline import scan

    old = os.getcwd()
    os.chdir(APP)
    try:
        result = scan(["."], Config(root=str(APP)), use_cache=False)
    finally:
        os.chdir(old)
    found = sorted((f.path, f.line, f.category.value) for f in result.active)
    expected = sorted((r["path"], int(r["line"]), r["category"]) for r in _rows())
    assert found == expected
    assert result.errors == ()
