"""The fix engine's small parts: names, the registry, .env quoting, atomic writes, diffs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tokenward.safefs import FileChanged, atomic_write
from tokenward.fix.destinations import (
    EnvFile,
    parse_env_value,
    quote_env_value,
    read_env_file,
)
from tokenward.fix.names import env_name
from tokenward.fix.services import MovedSecret, NameRegistry
from tokenward.fix.writer import redact_diff, unified_diff
from tokenward.scanner.redaction import Redactor


@pytest.mark.parametrize(("target", "context", "provider", "expected"), [
    ("GITHUB_TOKEN", [], None, "GITHUB_TOKEN"),
    ("password=", ["db"], None, "DB_PASSWORD"),
    ("password", ["mailer"], None, "MAILER_PASSWORD"),
    ("self.api_key", [], None, "API_KEY"),
    ("stripe.api_key", [], None, "API_KEY"),
    ("api_key", ["stripe"], None, "STRIPE_API_KEY"),
    ("Authorization", [], None, "API_TOKEN"),
    ("Authorization", [], "github", "GITHUB_TOKEN"),
    ("token", [], "slack", "SLACK_TOKEN"),
    ("clientSecret", [], None, "CLIENT_SECRET"),
    (None, [], None, "SECRET"),
    ("2fa_seed", [], None, "SECRET_2FA_SEED"),
])
def test_env_name(target: str | None, context: list[str], provider: str | None,
                  expected: str) -> None:
    assert env_name(target, context, provider) == expected


def test_registry_suffixes_a_clash_and_reuses_the_same_value() -> None:
    names = NameRegistry({"API_KEY": "existing"}, environment={"HOME_TOKEN": "x"})
    assert names.claim("API_KEY", "other") == "API_KEY_2"
    assert names.claim("API_KEY", "existing") == "API_KEY"
    assert names.claim("API_KEY", "third") == "API_KEY_3"
    assert names.claim("API_KEY", "other") == "API_KEY_2"
    assert names.claim("HOME_TOKEN", "y") == "HOME_TOKEN_2"


def test_registry_snapshot_and_restore() -> None:
    names = NameRegistry(environment={})
    saved = names.snapshot()
    assert names.claim("A", "1") == "A"
    names.restore(saved)
    assert names.claim("A", "2") == "A"


@pytest.mark.parametrize("value", [
    "plainValue123", "with space", "has'quote", "dollar${HOME}", 'dq"and\'sq',
    "back\\slash", "hash # not comment", "tab\there", "=eq=", "ünïcode",
])
def test_env_values_read_back_unchanged(value: str) -> None:
    assert parse_env_value(quote_env_value(value)) == value


def test_env_quoting() -> None:
    assert quote_env_value("a b") == "'a b'"
    assert quote_env_value("abc-123_x.y") == "abc-123_x.y"
    assert quote_env_value("a\\b") == "'a\\b'"
    assert quote_env_value("a\\\\b") == '"a\\\\\\\\b"'


def test_a_value_with_interpolation_syntax_gets_a_note(tmp_path: Path) -> None:
    notes = EnvFile(tmp_path).save([MovedSecret("K", "a${B}c", "app.py", 1, "TW101")])
    assert notes[1] == ("a value in .env contains ${: load it without variable expansion "
                        "(python-dotenv: interpolate=False)")
    assert read_env_file(tmp_path / ".env") == {"K": "a${B}c"}


def test_env_file_created_owner_only_ignored_and_listed(tmp_path: Path) -> None:
    env = EnvFile(tmp_path)
    notes = env.save([MovedSecret("API_KEY", "v a l", "app.py", 3, "TW101")])
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
    assert (tmp_path / ".env").read_text() == "API_KEY='v a l'\n"
    assert (tmp_path / ".gitignore").read_text() == ".env\n"
    assert (tmp_path / ".env.example").read_text() == "API_KEY=\n"
    assert notes == ["created .env (readable by you only)", "added .env to .gitignore",
                     "listed API_KEY in .env.example"]
    # Saving the same again changes nothing.
    assert env.save([MovedSecret("API_KEY", "v a l", "app.py", 3, "TW101")]) == []
    assert read_env_file(tmp_path / ".env") == {"API_KEY": "v a l"}


def test_env_file_appends_after_a_line_without_newline(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("export OLD=1")
    (tmp_path / ".gitignore").write_text("*.pyc\n/.env\n")
    EnvFile(tmp_path).save([MovedSecret("NEW", "2", "a.py", 1, "TW101")])
    assert (tmp_path / ".env").read_text() == "export OLD=1\nNEW=2\n"
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n/.env\n"


def test_atomic_write_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "tool.py"
    target.write_bytes(b"x = 1\n")
    os.chmod(target, 0o751)
    atomic_write(target, b"x = 2\n", expected=b"x = 1\n")
    assert target.read_bytes() == b"x = 2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["tool.py"]


def test_atomic_write_refuses_a_changed_file(tmp_path: Path) -> None:
    target = tmp_path / "tool.py"
    target.write_bytes(b"x = 3\n")
    with pytest.raises(FileChanged):
        atomic_write(target, b"x = 2\n", expected=b"x = 1\n")
    assert target.read_bytes() == b"x = 3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tool.py"]


def test_redacted_diff_never_shows_the_secret() -> None:
    secret = "Zq8vN3xR7tK2mW9pL4sY6bH1"
    diff = unified_diff("a.py", f'KEY = "{secret}"\n', 'KEY = os.environ["KEY"]\n')
    shown = redact_diff(diff, Redactor.of(()), [secret])
    assert secret not in shown
    assert shown.splitlines() == [
        "--- a/a.py", "+++ b/a.py", "@@ -1 +1 @@",
        '-KEY = "****(24 chars)"', '+KEY = os.environ["KEY"]',
    ]


@pytest.mark.parametrize("value", [
    "plainValue123", "with space", "has'quote", 'dq"and\'sq', "back\\slash",
    "two\\\\back", "hash # not comment", "=eq=", "dollar$HOME",
])
def test_env_values_read_back_with_python_dotenv(tmp_path: Path, value: str) -> None:
    dotenv = pytest.importorskip("dotenv")
    (tmp_path / ".env").write_text(f"KEY={quote_env_value(value)}\n")
    assert dotenv.dotenv_values(tmp_path / ".env") == {"KEY": value}
