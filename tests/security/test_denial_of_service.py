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
from tokenward.scanner.pipeline import ScanOutcome
from tokenward.model import Category, Hit, Severity
from tokenward.rules import RULES_BY_ID
from tokenward.rules.base import ALL_TEXT, Rule, RuleDocs
from tokenward.scanner.engine import PARALLEL_THRESHOLD, FileTask, run_tasks
from tokenward.analysis.source import Source

ROOT = Path(__file__).resolve().parents[2]
TOKEN = fake_github_token()
PASSWORD = fake_password()
# A secret on the first line makes TW101 want the tree; the nesting would crash the parser.
DEEP_NESTING = f'API_SECRET = "{PASSWORD}"\nx = ' + "[" * 6000 + "]" * 6000 + "\n"
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
    assert any(line.startswith("deep.py:1:15: TW101 ") for line in lines), done.stdout
    # The 10,000-term chain is refused before the parser, and the text checks still run.
    assert "chain.py: error: too deeply nested to analyse" in done.stdout
    assert any(line.startswith("chain.py:1:") and " TW101 " in line for line in lines)
    assert f"({3 + fillers} scanned)" in lines[-1]


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
    assert "deep.py:1:15: TW101 " in done.stdout


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
    assert ScanOutcome(result).exit_code(Config()) == 2  # never 0 after a crash


def test_two_dying_workers_are_both_isolated() -> None:
    tasks = _tasks(60, 5)
    tasks[30] = FileTask(tasks[30].path, f"# {CRASH_MARK} again\n".encode())
    result = run_tasks(tasks, Config(), rules=[CRASHES, RULES_BY_ID["TW103"]], jobs=4,
                       use_cache=False)
    assert [e.path for e in result.errors] == [tasks[5].path, tasks[30].path]
    assert [f.path for f in result.findings] == [tasks[-1].path]


# The regex that `url_passwords` replaces: quadratic on `http://a:a:a:...`.
_OLD_URL_PASSWORD = re.compile(r"://[^\s/@'\"]*:([^\s/@'\"]+)@")
ORDINARY_URLS = [
    "postgres://app:Vq8rT3nZp2Lm@db.internal:5432/app",
    "x = 'https://user@host/path' + 'ftp://a:b@c' # and http://h:1/x",
    "redis://:secretpw@cache:6379/0 amqp://guest:guest@rabbit// mongodb://u:p:q@h",
    "see https://example.org/a:b@c and s3://bucket/key and http://u:@h",
    "a://x:y@b://c:d@e",
]


@pytest.mark.parametrize("text", ORDINARY_URLS)
def test_url_passwords_match_the_old_regex_on_ordinary_input(text: str) -> None:
    from tokenward.rules.hardcoded_secret import url_passwords

    assert list(url_passwords(text)) == [m.group(1) for m in _OLD_URL_PASSWORD.finditer(text)]


def test_a_secret_in_a_minified_megabyte_line_is_found_at_its_column() -> None:
    """Long lines are read in bounded windows, not skipped: secrets across a window's end
    (a URL password, a bearer token cut in two) and in the middle of a 1 MB line are each
    reported once, whole, at their column."""
    from tokenward.analysis.config_text import LINE_WINDOW, WINDOW_OVERLAP
    from tokenward.scanner.engine import scan_file

    first, second, third = fake_password(), fake_password(), fake_password()
    filler = "x=1;" * 250_000
    step = LINE_WINDOW - WINDOW_OVERLAP
    line = filler[: LINE_WINDOW - 20] + f" postgres://app:{first}@db/app "
    line += filler[: step + LINE_WINDOW - len(line) - 30]
    line += f' -H "Authorization: Bearer {second}" ' + filler[:500_000]
    line += f" mysql://root:{third}@db/x " + filler
    assert line.index(second) < step + LINE_WINDOW < line.index(second) + len(second)
    result = scan_file(FileTask("deploy.sh", (line + "\n").encode()), Config(),
                       [RULES_BY_ID["TW102"]])
    found = sorted((f.span.column, f.span.end_column) for f in result.findings)
    assert found == sorted((line.index(s) + 1, line.index(s) + len(s) + 1)
                           for s in (first, second, third))
    assert result.errors == ()
