"""Issue 15, item 8: an adversarial file costs one file, never the run.

libcst's native parser segfaults on deep nesting (the whole scan died with exit 139 and no
report; in the pool, BrokenProcessPool) and parses long operator chains in super-linear
time. These run the real command line in a subprocess (a segfault must not take pytest
with it), once in-process (few files) and once through the worker pool (more files than
PARALLEL_THRESHOLD). A worker that dies is simulated by a test-only rule that calls
os._exit in the worker. Timing is not asserted here: benchmarks/adversarial.py prints the
1 MB / 100 KB ratios.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.failclosed_helpers import fake_github_token, fake_password
from tokenward.config import Config
from tokenward.hooks.gate import GateOutcome
from tokenward.model import Category, Hit, Severity
from tokenward.rules import RULES_BY_ID
from tokenward.rules.base import ALL_TEXT, Rule, RuleDocs
from tokenward.scanner.engine import PARALLEL_THRESHOLD, FileTask, run_tasks
from tokenward.scanner.source import Source

ROOT = Path(__file__).resolve().parents[2]
TOKEN = fake_github_token()
PASSWORD = fake_password()
DEEP_NESTING = "x = " + "[" * 6000 + "]" * 6000 + "\n"
LONG_CHAIN = "TOTAL = " + " + ".join(["a"] * 10_000) + "\n"


def _scan(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "tokenward", "scan", ".", "--no-cache",
                           *args], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def _tree(folder: Path, fillers: int) -> Path:
    folder.mkdir()
    (folder / "deep.py").write_text(DEEP_NESTING)
    (folder / "chain.py").write_text(f'DB_PASSWORD = "{PASSWORD}"\n' + LONG_CHAIN)
    (folder / "settings.py").write_text(f'GITHUB_TOKEN = "{TOKEN}"\n')
    for number in range(fillers):
        (folder / f"filler_{number:02d}.py").write_text(f"value_{number} = {number}\n")
    return folder


@pytest.mark.parametrize("fillers", [0, PARALLEL_THRESHOLD + 6], ids=["in-process", "pool"])
def test_deep_nesting_is_an_error_entry_and_the_scan_goes_on(tmp_path: Path,
                                                             fillers: int) -> None:
    folder = _tree(tmp_path / "tree", fillers)
    done = _scan(folder, "--jobs", "2")
    assert done.returncode == 1, done.stdout + done.stderr  # findings; no crash, no 139
    lines = done.stdout.splitlines()
    assert any(line.startswith("settings.py:1:16: TW10") for line in lines), done.stdout
    assert "deep.py: error: too deeply nested to analyse" in done.stdout
    # The 10,000-term chain is refused before the parser, and the text checks still run.
    assert "chain.py: error: too deeply nested to analyse" in done.stdout
    assert any(line.startswith("chain.py:1:") and " TW101 " in line for line in lines)
    assert f"{3 + fillers} files" in lines[-1]


def test_deep_nesting_fails_the_hook(tmp_path: Path) -> None:
    """Through the pre-commit entry: not fully analysed, so the commit is refused."""
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "deep.py").write_text(DEEP_NESTING)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "tokenward.hooks.precommit", "deep.py"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "deep.py: error: too deeply nested to analyse" in done.stdout


# A test-only rule: the worker process scanning a file that holds this marker dies at once,
# as a segfault in native code would kill it.
CRASH_MARK = "KILL-THE-WORKER"


def _die(source: Source) -> Iterator[Hit]:
    if CRASH_MARK.lower() in source.lowered:
        os._exit(139)
    return iter(())


CRASHES = Rule(
    id="TW904", name="probe-worker-crash", title="probe", category=Category.TOKEN_EXPOSURE,
    severity=Severity.LOW, cwe=(1,), message="never", hint="h",
    docs=RuleDocs(what="test", why="test", how="test", not_flagged="test"),
    detect=_die, kinds=ALL_TEXT,
)


def _tasks(count: int, culprit: int) -> list[FileTask]:
    tasks = [FileTask(f"file_{n:03d}.py", f"value_{n} = {n}\n".encode()) for n in range(count)]
    tasks[culprit] = FileTask(tasks[culprit].path, f"# {CRASH_MARK}\n".encode())
    tasks[-1] = FileTask(tasks[-1].path, f'GITHUB_TOKEN = "{TOKEN}"\n'.encode())
    return tasks


@pytest.mark.parametrize("culprit", [0, 17, 38])
def test_a_dying_worker_costs_one_file(culprit: int) -> None:
    tasks = _tasks(40, culprit)
    rules = [CRASHES, RULES_BY_ID["TW103"]]
    result = run_tasks(tasks, Config(), rules=rules, jobs=3, use_cache=False)
    crashed = tasks[culprit].path
    assert [(e.path, e.internal) for e in result.errors] == [(crashed, True)]
    assert re.search(r"the scanner process died", result.errors[0].message)
    assert result.unscanned == (crashed,)
    assert [(f.path, f.line) for f in result.findings] == [(tasks[-1].path, 1)]
    assert result.files_scanned == 40
    assert GateOutcome(result).exit_code(Config()) == 2  # never 0 after a crash


def test_two_dying_workers_are_both_isolated() -> None:
    tasks = _tasks(60, 5)
    tasks[30] = FileTask(tasks[30].path, f"# {CRASH_MARK} again\n".encode())
    result = run_tasks(tasks, Config(), rules=[CRASHES, RULES_BY_ID["TW103"]], jobs=4,
                       use_cache=False)
    assert [e.path for e in result.errors] == [tasks[5].path, tasks[30].path]
    assert [f.path for f in result.findings] == [tasks[-1].path]
