"""Every exit code of the gate through the real command line (probe rules injected as a
test-only rule list), and the baseline commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hooks.conftest import MARK, ProbeRun, commit_all, git, init_repo
from tokenward.config import Config
from tokenward.scanner.pipeline import ScanRequest, run_pipeline


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "clean.py").write_text("a = 1\n")
    commit_all(repo, "base")
    return repo


def test_exit_0_clean(repo: Path, probe: ProbeRun) -> None:
    done = probe(repo, "TW901", "scan", ".")
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "tokenward: 0 findings in 0 files (1 scanned)\n", "")


def test_exit_1_findings(repo: Path, probe: ProbeRun) -> None:
    (repo / "bad.py").write_text(f'KEY = "{MARK}"\n')
    done = probe(repo, "TW901", "scan", ".")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "bad.py:1:8: TW901 [high] marker found in marker"


def test_exit_0_when_below_fail_on(repo: Path, probe: ProbeRun) -> None:
    (repo / "bad.py").write_text(f'KEY = "{MARK}"\n')
    assert probe(repo, "TW901", "scan", ".", "--fail-on", "critical").returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--shard", "5/4"], "tokenward: error: --shard: K must be between 1 and N, got '5/4'\n"),
    (["--staged", "--diff-base", "main"],
     "tokenward: error: --staged and --diff-base cannot be combined\n"),
    (["--baseline", "missing.json"],
     "tokenward: error: missing.json: no such baseline (create one: tokenward baseline "
     "create)\n"),
    (["--report-stale"], "tokenward: error: --report-stale needs a baseline (none found)\n"),
])
def test_exit_2_usage(repo: Path, probe: ProbeRun, args: list[str], message: str) -> None:
    done = probe(repo, "TW901", "scan", *args)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)


def test_exit_2_staged_outside_git(tmp_path: Path, probe: ProbeRun) -> None:
    done = probe(tmp_path, "TW901", "scan", "--staged")
    assert (done.returncode, done.stderr) == (
        2, "tokenward: error: not inside a git repository\n")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_exit_2_internal_error_in_every_format(repo: Path, probe: ProbeRun, fmt: str) -> None:
    """A rule that raises is an internal error: exit 2, never 0, even with no findings,
    and the report says so."""
    done = probe(repo, "TW901,TW903", "scan", ".", "-f", fmt, "--no-cache")
    assert done.returncode == 2
    assert "internal error in rule TW903 (ValueError at probe_rules.py:35)" in done.stdout


def test_exit_2_internal_error_with_staged_and_findings(repo: Path, probe: ProbeRun) -> None:
    (repo / "bad.py").write_text(f'KEY = "{MARK}"\n')
    git(repo, "add", "bad.py")
    done = probe(repo, "TW901,TW903", "scan", "--staged", "--no-cache")
    assert done.returncode == 2
    assert done.stdout.splitlines()[3] == ("bad.py: internal error: internal error in rule "
                                           "TW903 (ValueError at probe_rules.py:35); please "
                                           "report it")


def test_internal_error_through_the_library(repo: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from tests.scanner.probe_rules import EXPLODES, TEXT_MARK

    monkeypatch.chdir(repo)
    config = Config(root=str(repo), cache=False)
    outcome = run_pipeline(ScanRequest(paths=(".",)), config, rules=[TEXT_MARK, EXPLODES])
    assert outcome.exit_code(config) == 2


# --- baselines through the command line --------------------------------------------------

def test_baseline_create_scan_update_stale(repo: Path, probe: ProbeRun) -> None:
    (repo / "old.py").write_text(f'OLD = "{MARK}"\nOTHER = "{MARK}Z"\n')
    created = probe(repo, "TW901", "baseline", "create")
    assert created.stdout.splitlines() == [
        "tokenward: wrote .tokenward-baseline.json with 2 entries",
        "tokenward: added `.tokenward-baseline.json merge=union` to .gitattributes "
        "(branches adding entries merge without conflicts)"]
    again = probe(repo, "TW901", "baseline", "create")
    assert again.returncode == 2 and "exists: use `tokenward baseline update`" in again.stderr

    # Known findings pass; a new one fails, and only it is reported.
    assert probe(repo, "TW901", "scan", ".").returncode == 0
    (repo / "new.py").write_text(f'NEW = "{MARK}"\n')
    done = probe(repo, "TW901", "scan", ".")
    assert done.returncode == 1
    assert [line for line in done.stdout.splitlines() if "TW901" in line] == [
        "new.py:1:8: TW901 [high] marker found in marker"]
    assert "2 suppressed" in done.stdout.splitlines()[-1]
    assert probe(repo, "TW901", "scan", ".", "--no-baseline").stdout.splitlines()[-1] \
        .startswith("tokenward: 3 findings")

    # One old finding fixed: stale with --report-stale (exit 1), dropped by update.
    (repo / "old.py").write_text(f'OLD = "{MARK}"\n')
    (repo / "new.py").unlink()
    stale = probe(repo, "TW901", "scan", ".", "--report-stale")
    assert stale.returncode == 1
    assert stale.stdout.splitlines()[0].startswith("old.py: stale baseline entry TW901 ")
    assert probe(repo, "TW901", "scan", ".").returncode == 0  # stale alone does not fail
    updated = probe(repo, "TW901", "baseline", "update")
    assert updated.stdout == ("tokenward: .tokenward-baseline.json: 0 added, 1 dropped, "
                              "1 in all\n")
    assert probe(repo, "TW901", "scan", ".", "--report-stale").returncode == 0


def test_baseline_audit_records_verdicts_as_it_goes(repo: Path, probe: ProbeRun) -> None:
    (repo / "a.py").write_text(f'A = "{MARK}"\n')
    (repo / "b.py").write_text(f'B = "{MARK}"\n')
    (repo / "c.py").write_text(f'C = "{MARK}"\n')
    probe(repo, "TW901", "baseline", "create")
    before = (repo / ".tokenward-baseline.json").read_text()
    # a: accepted with a reason; b: true problem; then quit before c.
    done = probe(repo, "TW901", "baseline", "audit", stdin="a\nrevoked test key\nt\nq\n")
    assert done.returncode == 0, done.stderr
    assert "SECRET-abcdefgh12" not in done.stdout
    assert "  a.py:1:6: TW901 [high] marker found in marker" in done.stdout
    assert done.stdout.splitlines()[-1] == "tokenward: 2 entries audited; 1 left"
    entries = json.loads((repo / ".tokenward-baseline.json").read_text())["entries"]
    verdicts = {e["path"]: (e["audit"], e["reason"]) for e in entries if "path" in e}
    assert verdicts == {"a.py": ("accepted", "revoked test key"), "b.py": ("problem", ""),
                        "c.py": ("unaudited", "")}
    # Only the audited lines changed.
    changed = set((repo / ".tokenward-baseline.json").read_text().splitlines()) - set(
        before.splitlines())
    assert len(changed) == 2


# --- the pre-commit entry point (python -m tokenward.hooks.precommit) ----------------------

def test_hook_entry_exit_codes(repo: Path, probe: ProbeRun) -> None:
    (repo / "bad.py").write_text(f'KEY = "{MARK}"\n')
    found = probe(repo, "TW901", "hook", "bad.py", "clean.py")
    assert found.returncode == 1
    assert found.stdout.splitlines()[0] == "bad.py:1:8: TW901 [high] marker found in marker"
    assert probe(repo, "TW901", "hook", "clean.py").returncode == 0
    assert probe(repo, "TW901", "hook").returncode == 0  # no files passed: nothing to do
    broken = probe(repo, "TW901,TW903", "hook", "clean.py", "--format", "github")
    assert broken.returncode == 2
    assert "title=tokenward internal error::internal error in rule TW903" in broken.stdout
    usage = probe(repo, "TW901", "hook", "--fail-on", "severe")
    assert usage.returncode == 2 and "invalid choice: 'severe'" in usage.stderr
    missing = probe(repo, "TW901", "hook", "nope.py")
    assert (missing.returncode, missing.stderr) == (
        2, "tokenward: error: nope.py: no such file or directory\n")


def test_hook_entry_staged_with_baseline(repo: Path, probe: ProbeRun) -> None:
    (repo / "bad.py").write_text(f'KEY = "{MARK}"\n')
    probe(repo, "TW901", "baseline", "create")
    git(repo, "add", "-A")
    assert probe(repo, "TW901", "hook", "--staged").returncode == 0
    (repo / "worse.py").write_text(f'MORE = "{MARK}Q"\n')
    git(repo, "add", "worse.py")
    done = probe(repo, "TW901", "hook", "--staged")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "worse.py:1:9: TW901 [high] marker found in marker"
