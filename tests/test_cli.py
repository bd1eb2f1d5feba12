"""The command line: exit codes and messages for usage errors (findings: see rule tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tokenward import __version__
from tokenward.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"tokenward {__version__}\n", "")


def test_a_command_imports_no_pydantic(tmp_path: Path) -> None:
    """typer 0.29 imports pydantic and builds a validator per option on every run (about
    70 ms of each command): pyproject.toml keeps typer below it."""
    script = ("import sys\nfrom tokenward.cli import main\n"
              "code = main(['scan', '.', '--no-cache', '--no-progress'])\n"
              "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.stdout.splitlines()[-1] == "0 []"


def test_missing_path_is_exit_2_with_a_clear_message(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    code, out, err = run(capsys, "scan", str(tmp_path / "nope"))
    assert code == 2
    assert err == f"tokenward: error: {tmp_path / 'nope'}: no such file or directory\n"


def test_unknown_option_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan", "--fromat", "json") == (
        2, "", "tokenward: error: No such option: --fromat (Possible options: --format) "
               "(see `tokenward scan --help`)\n")


def test_bad_format_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "scan", "--format", "xml", str(tmp_path))
    assert code == 2
    assert "'xml' is not one of" in err


def test_unknown_rule_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "scan", "--rule", "TW999", str(tmp_path))
    assert (code, err) == (
        2, 'tokenward: error: --rule: unknown rule "TW999" (see `tokenward rules`)\n')


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "explain", "TW999") == (
        2, "", 'tokenward: error: unknown rule "TW999" (see `tokenward rules`)\n')
    assert run(capsys, "explain", "token-loged") == (
        2, "", 'tokenward: error: unknown rule "token-loged" (did you mean "token-logged"?)\n')


def test_bad_config_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tokenward]\nfail_on = 3\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "scan", ".")
    settings = (tmp_path / "pyproject.toml").resolve()
    assert (code, err) == (2, f"tokenward: error: {settings}: tool.tokenward.fail_on: expected "
                              "one of low, medium, high, critical, got 3\n")


def test_clean_folder_json_report(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "--format", "json", ".")
    report = json.loads(out)
    assert code == 0
    assert report["findings"] == [] and report["errors"] == []
    assert report["summary"]["files_scanned"] == 1
    assert report["version"] == __version__


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "scan", "-f", "json", "-o", str(target), str(tmp_path / "a.py"))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["summary"]["files_scanned"] == 1


def test_syntax_error_is_reported_in_a_file_without_secret_like_words(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text("def main(:\n    print('hello')\n")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "scan", "--no-cache") == (
        0, "app.py: error: syntax error at line 1, column 10: invalid syntax; text-level checks "
           "still ran\n\ntokenward: 0 findings in 0 files (1 scanned); 1 error\n", "")


def test_summary_counts_files_with_findings_and_files_scanned(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tokens.py").write_text(
        "import random\n\n\ndef make_token():\n"
        "    return ''.join(random.choice('abcdef') for _ in range(32))\n")
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "--no-cache")
    assert (code, out.splitlines()[-1]) == (
        1, "tokenward: 1 finding in 1 file (4 scanned): 1 high")
