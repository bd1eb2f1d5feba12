"""The command line: exit codes and messages for usage errors (findings: see rule tests)."""

from __future__ import annotations

import json
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
