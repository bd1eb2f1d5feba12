"""Golden files (black's style): ``tests/fix_cases/<shape>.py`` holds the code before, a
line ``# output``, and the exact code after ``tokenward fix``. An optional first line
``# flags: --to store --taken NAME=value`` sets the destination and names already taken.

Every case also checks the safety contract: the output parses, a second fix changes
nothing, and no moved secret is left in the output.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
import pytest

from tokenward.fix.engine import fix_text
from tokenward.fix.services import Destination, FixServices, NameRegistry

CASES = Path(__file__).resolve().parents[1] / "fix_cases"
SEPARATOR = "# output"


@dataclass
class Case:
    before: str
    after: str
    destination: Destination = Destination.ENV
    taken: dict[str, str] = field(default_factory=dict)


def read_case(path: Path) -> Case:
    text = path.read_bytes().decode("utf-8")
    lines = text.splitlines(keepends=True)
    case = Case("", "")
    if lines and lines[0].startswith("# flags:"):
        words = shlex.split(lines.pop(0)[len("# flags:"):])
        for flag, value in zip(words[::2], words[1::2], strict=True):
            if flag == "--to":
                case.destination = Destination(value)
            elif flag == "--taken":
                name, _, secret = value.partition("=")
                case.taken[name] = secret
            else:
                raise ValueError(f"{path.name}: unknown flag {flag}")
    marks = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == SEPARATOR]
    assert len(marks) == 1, f"{path.name}: needs exactly one {SEPARATOR!r} line"
    case.before = "".join(lines[: marks[0]])
    case.after = "".join(lines[marks[0] + 1 :])
    return case


def run(case: Case, text: str) -> tuple[str, list[str], list[str]]:
    services = FixServices(case.destination,
                           NameRegistry(case.taken, environment={}))
    result = fix_text(text, "app.py", services=services)
    return result.text, [m.value for m in result.moves], [
        f"{p.line}: {p.message}" for p in result.problems]


PATHS = sorted(CASES.glob("*.py"))


def test_there_are_enough_shapes() -> None:
    assert len(PATHS) >= 25


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_golden(path: Path) -> None:
    case = read_case(path)
    after, moved, _problems = run(case, case.before)
    assert after == case.after
    cst.parse_module(after)
    compile(after, path.name, "exec")
    assert not [value for value in moved if value in after]
    again, moved_again, _ = run(case, after)
    assert again == after
    assert moved_again == []


RUFF_RULES = "I,F401,F841,E501"


def _ruff_codes(text: str, folder: Path) -> list[str]:
    """The codes ruff reports on ``text`` (default settings: line length 88)."""
    (folder / "app.py").write_bytes(text.encode("utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", RUFF_RULES,
         "--output-format", "concise", "--no-cache", "app.py"],
        cwd=folder, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return sorted(line.split()[1] for line in done.stdout.splitlines()
                  if line.startswith("app.py:"))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_the_fixed_file_passes_the_ruff_rules_the_original_passed(path: Path,
                                                                  tmp_path: Path) -> None:
    """Import order (isort), unused imports and variables, line length: a fix adds no
    complaint; one the original had may stay (or go)."""
    case = read_case(path)
    before = Counter(_ruff_codes(case.before, tmp_path))
    after = Counter(_ruff_codes(case.after, tmp_path))
    assert after - before == Counter()
