"""``tokenward fix`` end to end, through the real CLI, on real files in a temporary project."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tokenward.cli import main

SRC = str(Path(__file__).resolve().parents[2] / "src")

LIFECYCLE = textwrap.dedent('''\
    import random
    import string

    import jwt


    def generate_reset_token():
        return "".join(random.choice(string.ascii_letters) for _ in range(20))


    def login(uid, key):
        return jwt.encode({"sub": uid}, key, algorithm="HS256")
    ''')

LIFECYCLE_FIXED = textwrap.dedent('''\
    import secrets
    from datetime import datetime, timedelta, timezone

    import jwt


    def generate_reset_token():
        return secrets.token_urlsafe(32)


    def login(uid, key):
        return jwt.encode(
            {"sub": uid, "exp": datetime.now(timezone.utc) + timedelta(minutes=15)},
            key,
            algorithm="HS256",
        )
    ''')


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tokens.py").write_text(LIFECYCLE)
    return tmp_path


def test_dry_run_shows_the_diff_and_changes_nothing(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == ["--- a/tokens.py", "+++ b/tokens.py",
                                    "@@ -1,12 +1,16 @@", "-import random"]
    assert "+    return secrets.token_urlsafe(32)" in out.splitlines()
    assert out.splitlines()[-1] == "Dry run: 2 fixes in 1 file; run with --write to apply."
    assert (project / "tokens.py").read_text() == LIFECYCLE


def test_write_applies_and_a_second_run_changes_nothing(project: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    os.chmod(project / "tokens.py", 0o640)
    assert main(["fix", "--write"]) == 0
    assert capsys.readouterr().out == "Fixed 2 findings in 1 file.\n"
    assert (project / "tokens.py").read_text() == LIFECYCLE_FIXED
    assert (project / "tokens.py").stat().st_mode & 0o777 == 0o640
    assert main(["fix", "--write"]) == 0
    assert capsys.readouterr().out == "Fixed 0 findings in 0 files.\n"
    assert main(["fix"]) == 0
    assert capsys.readouterr().out == "Nothing to fix automatically.\n"
    assert (project / "tokens.py").read_text() == LIFECYCLE_FIXED


def test_rule_option_limits_the_fixes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--write", "--rule", "TW201"]) == 0
    text = (project / "tokens.py").read_text()
    assert "secrets.token_urlsafe(32)" in text
    assert 'jwt.encode({"sub": uid}, key, algorithm="HS256")' in text


def test_unknown_rule_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--rule", "TW999"]) == 2
    assert capsys.readouterr().err == ('tokenward: error: --rule: unknown rule "TW999" '
                                       "(see `tokenward rules`)\n")


def test_interactive_needs_a_terminal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--interactive"]) == 2
    assert "--interactive needs a terminal" in capsys.readouterr().err
    assert (project / "tokens.py").read_text() == LIFECYCLE


def test_rules_lists_which_rules_can_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    rows = {line.split()[0]: line.split()[4] for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["TW201"] == "yes"
    assert rows["TW301"] == "yes"
    assert rows["TW302"] == "yes"
    assert rows["TW303"] == "-"


# -- a real terminal -------------------------------------------------------------------------

def _read_until(fd: int, marker: bytes, seen: bytearray, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {marker!r} in {bytes(seen)!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                raise AssertionError(f"end of output before {marker!r}: {bytes(seen)!r}")
            seen.extend(chunk)


def test_interactive_asks_per_change_on_a_pseudo_terminal(project: Path) -> None:
    """y to the first change, n to the second: only the first is written."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": SRC, "NO_COLOR": "1"}
    child = subprocess.Popen([sys.executable, "-m", "tokenward", "fix", "--interactive"],
                             stdin=slave, stdout=slave, stderr=slave, cwd=project, env=env,
                             close_fds=True)
    os.close(slave)
    seen = bytearray()
    try:
        _read_until(master, b"[q]uit: ", seen)
        assert b"tokens.py:8  TW201" in seen
        os.write(master, b"maybe\n")
        seen.clear()
        _read_until(master, b"Please answer y, n, a or q.", seen)
        _read_until(master, b"[q]uit: ", seen)
        os.write(master, b"y\n")
        seen.clear()
        _read_until(master, b"tokens.py:11  TW301", seen)
        _read_until(master, b"[q]uit: ", seen)
        os.write(master, b"n\n")
        seen.clear()
        _read_until(master, b"Fixed 1 finding in 1 file.", seen)
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    text = (project / "tokens.py").read_text()
    assert "secrets.token_urlsafe(32)" in text
    assert 'jwt.encode({"sub": uid}, key, algorithm="HS256")' in text
