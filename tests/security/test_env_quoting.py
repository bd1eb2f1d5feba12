"""Issue 15, item 10: the .env that `fix --write` appends to is sourced by shells
(``set -a; . ./.env``) and read by python-dotenv; both must read every value back
unchanged, and sourcing it must never run or expand anything.

Decision: a value no quoting carries to both readers is refused (the file that held it
is left untouched; ``--to store`` takes any value): a line break (many .env readers go
line by line), or a single quote / double backslash / final backslash together with a
dollar sign or a backtick (python-dotenv cannot read the shell's ``'\\''`` idiom, and
double quotes, which both read alike, let a shell expand ``$`` and backticks).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tokenward.fix.destinations import DestinationError, EnvFile
from tokenward.fix.services import MovedSecret

CARRIED = [
    "it's",
    'say "hi"',
    "$HOME and $(touch PWNED)",
    "`touch PWNED`",
    "${NOT_SET:-default}",
    "a\\b",
    "two\\\\backslashes",
    "ends in a backslash\\",
    "a backslash before a dollar: \\$HOME",
    "it's a \\ and a \"quote\"",
    "# not a comment",
    "  spaced out  ",
    "tab\there",
    "~/home and a:~/b",
    "~/x",
    "a=b;c|d&e>f<g*h?[i]{j}(k)!l",
    "ünïcode ✓",
    "",
]

REFUSED = [
    ("it's `touch PWNED`", "it holds a quote or backslash together with $ or a backtick"),
    ("it's $(touch PWNED)", "it holds a quote or backslash together with $ or a backtick"),
    ("a\\\\b$HOME", "it holds a quote or backslash together with $ or a backtick"),
    ("`id` then a final backslash\\",
     "it holds a quote or backslash together with $ or a backtick"),
    ("line\nbreak", "it holds a line break"),
    ("carriage\rreturn", "it holds a line break"),
    ("form\ffeed", "it holds a line break"),
]


def _save(folder: Path, value: str) -> list[str]:
    return EnvFile(folder).save([MovedSecret("NAME", value, "app.py", 1, "TW101")])


def _sourced(folder: Path) -> str:
    done = subprocess.run(["bash", "-c", 'set -a; . ./.env; printf %s "$NAME"'], cwd=folder,
                          capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/home/nobody"})
    return done.stdout


@pytest.mark.parametrize("value", CARRIED)
def test_a_shell_and_python_dotenv_read_the_value_back_unchanged(tmp_path: Path,
                                                                 value: str) -> None:
    dotenv = pytest.importorskip("dotenv")
    _save(tmp_path, value)
    assert _sourced(tmp_path) == value
    assert not (tmp_path / "PWNED").exists()
    # ${...} is python-dotenv's own interpolation: fix says to load such a file with
    # interpolate=False (a note), and then it reads back unchanged too.
    interpolate = "${" not in value
    assert dotenv.dotenv_values(tmp_path / ".env", interpolate=interpolate) == {"NAME": value}


@pytest.mark.parametrize(("value", "why"), REFUSED)
def test_a_value_no_quoting_carries_to_both_is_refused(tmp_path: Path, value: str,
                                                       why: str) -> None:
    with pytest.raises(DestinationError) as caught:
        _save(tmp_path, value)
    assert str(caught.value) == (
        "the value of NAME cannot be written to .env so that a shell and python-dotenv both "
        f"read it unchanged ({why}); use --to store")
    assert not (tmp_path / ".env").exists()


def test_sourcing_never_runs_a_command(tmp_path: Path) -> None:
    """The reviewer's attack: a value with a quote and a backtick, double-quoted."""
    (tmp_path / ".env").write_text("EXISTING=1\n")
    with pytest.raises(DestinationError):
        _save(tmp_path, "it's `touch PWNED`")
    assert (tmp_path / ".env").read_text() == "EXISTING=1\n"
    _sourced(tmp_path)
    assert not (tmp_path / "PWNED").exists()
