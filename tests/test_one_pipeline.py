"""`fix`, SARIF `fixes` and `train` take the findings the one pipeline produced.

A real git repository with two secrets, one accepted by the real `tokenward baseline
create`: `fix` proposes only the other (and both with `--include-baselined`), the SARIF
`fixes` of `scan -f sarif` are the dry run's diff, `train` teaches from the scan's
findings, and none of them scans a file's content twice.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import tokenward.fix.engine
import tokenward.scanner.engine
import tokenward.training.excerpts
import tokenward.training.exercises
from tests.training.fixtures import github_token
from tokenward.cli import main
from tokenward.config import Config
from tokenward.fix.diffs import replacements
from tokenward.rules.base import Rule
from tokenward.scanner.engine import FileResult, FileTask

ACCEPTED = github_token("Zq8Lw2Nc5Rt7Yb1Kx4Mv9Hs3Pd6Gf0")
NEW = github_token("Ae5Tj2Wq9Lm4Xc7Bn1Vr8Ks3Hd6Py0")
A_PY = f'API_TOKEN = "{ACCEPTED}"\n'
B_PY = f'import requests\n\nDEPLOY_TOKEN = "{NEW}"\n'

B_DIFF = ('--- a/b.py\n'
          '+++ b/b.py\n'
          '@@ -1,3 +1,5 @@\n'
          '+import os\n'
          '+\n'
          ' import requests\n'
          ' \n'
          '-DEPLOY_TOKEN = "ghp_****(40 chars)"\n'
          '+DEPLOY_TOKEN = os.environ["DEPLOY_TOKEN"]\n')
A_DIFF = ('--- a/a.py\n'
          '+++ b/a.py\n'
          '@@ -1 +1,3 @@\n'
          '-API_TOKEN = "ghp_****(40 chars)"\n'
          '+import os\n'
          '+\n'
          '+API_TOKEN = os.environ["GITHUB_API_TOKEN"]\n')


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Path:
    """a.py's secret committed and baselined; b.py's secret new since."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    # No result cache: every command below must scan, so that its scans can be counted.
    (root / "pyproject.toml").write_text("[tool.tokenward]\ncache = false\n")
    (root / "a.py").write_text(A_PY)
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    monkeypatch.chdir(root)
    assert run(capsys, "baseline", "create")[0] == 0
    (root / "b.py").write_text(B_PY)
    return root


def _tree(root: Path) -> set[tuple[str, bytes]]:
    """What the pipeline reads: every file but the baseline (and git's own)."""
    return {(p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts
            and p.name != ".tokenward-baseline.json"}


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """Every content the engine scans, wherever it is called from."""
    calls: list[tuple[str, bytes]] = []
    real = tokenward.scanner.engine.scan_file

    def counted(task: FileTask, config: Config, rules: Sequence[Rule]) -> FileResult:
        calls.append((task.path, task.data or b""))
        return real(task, config, rules)

    modules: Sequence[Any] = (tokenward.scanner.engine, tokenward.fix.engine,
                              tokenward.training.excerpts, tokenward.training.exercises)
    for module in modules:
        monkeypatch.setattr(module, "scan_file", counted)
    return calls


def _scanned_once(calls: list[tuple[str, bytes]], tree: set[tuple[str, bytes]]) -> None:
    """Each file of the tree scanned exactly once, as read (rule examples and exercises,
    which `train` scans too, are not files of the tree)."""
    assert Counter(c for c in calls if c in tree) == Counter(tree)


def test_scan_reports_only_the_new_secret(repo: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    code, out = run(capsys, "scan", "-f", "json")
    assert code == 1
    found = json.loads(out)["findings"]
    assert [(f["path"], f["line"], f["rule_id"], f["suppressed"]) for f in found] == [
        ("a.py", 1, "TW101", True), ("b.py", 3, "TW101", False)]


def test_fix_proposes_only_the_finding_the_baseline_does_not_hold(
        repo: Path, capsys: pytest.CaptureFixture[str],
        scans: list[tuple[str, bytes]]) -> None:
    tree = _tree(repo)
    code, out = run(capsys, "fix")
    assert (code, out) == (1, B_DIFF + "Secrets that would move to .env (1):\n"
                                       "  b.py:3  TW101  -> DEPLOY_TOKEN\n"
                                       "\n"
                                       "Dry run: 1 fix in 1 file; run with --write to apply.\n"
                                       "Left alone: 1 baselined (--include-baselined fixes "
                                       "it).\n")
    _scanned_once(scans, tree)
    assert (repo / "a.py").read_text() == A_PY and (repo / "b.py").read_text() == B_PY


def test_include_baselined_proposes_both(repo: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    code, out = run(capsys, "fix", "--include-baselined")
    assert (code, out) == (1, A_DIFF + B_DIFF + "Secrets that would move to .env (2):\n"
                                                "  a.py:1  TW101  -> GITHUB_API_TOKEN\n"
                                                "  b.py:3  TW101  -> DEPLOY_TOKEN\n"
                                                "\n"
                                                "Dry run: 2 fixes in 2 files; run with "
                                                "--write to apply.\n")


def test_write_applies_the_dry_run_and_leaves_the_baselined_finding(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dry = run(capsys, "fix")[1]
    code, out = run(capsys, "fix", "--write")
    assert code == 0, out
    assert out.splitlines()[:2] == [
        "Fixed 1 finding in 1 file.", "Left alone: 1 baselined (--include-baselined fixes it)."]
    assert NEW not in out and ACCEPTED not in out
    # The dry run's hunk spans the whole file: its context and + lines are the file now.
    hunk = dry[: dry.index("Secrets that would move")].split("@@\n", 1)[1]
    assert (repo / "b.py").read_text() == "".join(
        line[1:] + "\n" for line in hunk.splitlines() if line[:1] in (" ", "+"))
    assert (repo / "a.py").read_text() == A_PY
    assert f"DEPLOY_TOKEN={NEW}" in (repo / ".env").read_text().splitlines()
    # A second run has nothing left to fix.
    assert run(capsys, "fix")[0] == 0


def _sarif_changes(document: dict[str, Any]) -> dict[tuple[str, int], list[Any]]:
    return {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]):
            [change["replacements"] for fix in r["fixes"] for change in fix["artifactChanges"]]
            for r in document["runs"][0]["results"] if "fixes" in r}


def test_sarif_fixes_are_the_dry_run_diff(repo: Path, capsys: pytest.CaptureFixture[str],
                                          scans: list[tuple[str, bytes]]) -> None:
    tree = _tree(repo)
    code, out = run(capsys, "scan", "-f", "sarif")
    assert code == 1
    _scanned_once(scans, tree)
    document = json.loads(out)
    # The baselined finding is reported as suppressed, with no fix.
    results = document["runs"][0]["results"]
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             "suppressions" in r, "fixes" in r) for r in results] == [
        ("a.py", True, False), ("b.py", False, True)]
    expected = [[{"deletedRegion": {"startLine": c.start_line, "startColumn": 1,
                                    "endLine": c.end_line, "endColumn": 1},
                  **({"insertedContent": {"text": c.text}} if c.text else {})}
                 for c in replacements(B_DIFF)]]
    assert _sarif_changes(document) == {("b.py", 3): expected}
    assert expected == [[
        {"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
         "insertedContent": {"text": "import os\n\n"}},
        {"deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 1},
         "insertedContent": {"text": 'DEPLOY_TOKEN = os.environ["DEPLOY_TOKEN"]\n'}}]]
    # And that diff is what `fix` prints for the same tree.
    assert run(capsys, "fix")[1].startswith(B_DIFF)


def test_train_teaches_from_the_scans_findings(repo: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              scans: list[tuple[str, bytes]]) -> None:
    tree = _tree(repo)
    out_dir = tmp_path / "session"
    code, out = run(capsys, "train", "--out", str(out_dir))
    assert code == 0, out
    assert out.splitlines()[0] == f"wrote 1 lesson (1 finding), 39 minutes, 9 files, to {out_dir}"
    _scanned_once(scans, tree)
    lessons = sorted(p.name for p in (out_dir / "lessons").iterdir())
    assert lessons == ["01-hardcoded-secret.md"]
    lesson = (out_dir / "lessons" / lessons[0]).read_text()
    assert "| `b.py` | 3 | 1 |\n" in lesson and "a.py" not in lesson
    assert "3 > DEPLOY_TOKEN = \"ghp_****(40 chars)\"\n" in lesson
    assert f"```diff\n{B_DIFF}```" in lesson


def test_train_from_a_report_scans_the_reported_files_once(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        scans: list[tuple[str, bytes]]) -> None:
    assert run(capsys, "scan", "-f", "json", "-o", str(tmp_path / "report.json"))[0] == 1
    tree = _tree(repo)
    scans.clear()
    out_dir = tmp_path / "session"
    code, out = run(capsys, "train", "--findings", str(tmp_path / "report.json"),
                    "--out", str(out_dir))
    assert code == 0, out
    # Only the files the report names are read: a.py (baselined) and b.py.
    _scanned_once(scans, {(p, data) for p, data in tree if p in ("a.py", "b.py")})
    assert not [c for c in scans if c in tree and c[0] not in ("a.py", "b.py")]
    lesson = (out_dir / "lessons" / "01-hardcoded-secret.md").read_text()
    assert f"```diff\n{B_DIFF}```" in lesson


def test_train_exits_2_after_an_internal_error(repo: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import tokenward.scanner.pipeline
    from tests.scanner.probe_rules import EXPLODES

    monkeypatch.setattr(tokenward.scanner.pipeline, "RULES",
                        (*tokenward.scanner.pipeline.RULES, EXPLODES))
    code, out = run(capsys, "train", "--out", str(tmp_path / "session"))
    assert code == 2
    assert out.splitlines()[0] == (f"wrote 1 lesson (1 finding), 39 minutes, 9 files, to "
                                   f"{tmp_path}/session")
    assert out.splitlines()[-1] == ("tokenward: error: internal error while scanning; the "
                                    "session may miss findings (run `tokenward scan` to see it)")


def test_a_finding_suppressed_in_the_code_is_never_fixed(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    third = github_token("Hd6Py0Ae5Tj2Wq9Lm4Xc7Bn1Vr8Ks3")
    (repo / "c.py").write_text(f'OLD_TOKEN = "{third}"  # tokenward: ignore[TW101] revoked\n')
    code, out = run(capsys, "fix", "--include-baselined")
    assert code == 1
    assert out.startswith(A_DIFF + B_DIFF + "Secrets that would move to .env (2):\n")
    assert out.endswith("Dry run: 2 fixes in 2 files; run with --write to apply.\n"
                        "Left alone: 1 suppressed in the code.\n")
    code, out = run(capsys, "fix")
    assert out.endswith("Left alone: 1 baselined (--include-baselined fixes it), "
                        "1 suppressed in the code.\n")
