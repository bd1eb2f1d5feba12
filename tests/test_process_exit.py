"""The console commands end their process without the interpreter's teardown once their
output is written (tokenward.__main__._leave): the report is whole, the exit code is the
command's, and no worker process outlives the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _run(*args: str, cwd: Path) -> tuple[int, str, int]:
    """The command's exit code, its standard output, and its process group: its own pid
    (``start_new_session``), which its workers share."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with subprocess.Popen([sys.executable, "-m", "tokenward", *args], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as process:
        out, _ = process.communicate(timeout=300)
        return process.returncode, out, process.pid


def _group_gone(pgid: int) -> bool:
    """Whether no process is left in the command's process group (its workers' too)."""
    for _ in range(50):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_report_piped_out_is_whole_and_the_exit_code_the_gates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The README's first command, its report as JSON through a pipe, against the same
    # report written by tokenward.cli.main in this process (which returns).
    from tokenward.cli import main

    code, out, _ = _run("scan", "examples/vulnerable_app", "--no-cache", "--format", "json",
                        cwd=ROOT)
    monkeypatch.chdir(ROOT)
    written = tmp_path / "report.json"
    assert main(["scan", "examples/vulnerable_app", "--no-cache", "--format", "json",
                 "--output", str(written), "--no-progress"]) == code == 1
    piped = [(f["path"], f["line"], f["rule_id"]) for f in json.loads(out)["findings"]]
    assert piped == [(f["path"], f["line"], f["rule_id"])
                     for f in json.loads(written.read_text())["findings"]]
    assert piped[-1] == ("examples/vulnerable_app/settings.env", 3, "TW102")


def test_workers_started_and_left_unused_do_not_outlive_the_command(tmp_path: Path) -> None:
    for number in range(3):  # too few files for the workers forked before the listing
        (tmp_path / f"f{number}.py").write_text(f"x = {number}\n")
    code, out, group = _run("scan", ".", "--no-cache", "--jobs", "2", cwd=tmp_path)
    assert (code, out.strip().splitlines()[-1]) == (
        0, "tokenward: 0 findings in 0 files (3 scanned)")
    assert _group_gone(group)


def test_workers_that_scanned_do_not_outlive_the_command(tmp_path: Path) -> None:
    for number in range(60):
        (tmp_path / f"f{number:02d}.py").write_text(f"x = {number}\n")
    code, out, group = _run("scan", ".", "--no-cache", "--jobs", "2", cwd=tmp_path)
    assert (code, out.strip().splitlines()[-1]) == (
        0, "tokenward: 0 findings in 0 files (60 scanned)")
    assert _group_gone(group)
