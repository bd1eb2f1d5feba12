"""The store's files on a shared host (issue 15, item 17, the store's half).

Under ``umask 000`` the folders the store creates must still be 0700 and its files 0600, and
a vault or token-database folder that other users can read or write (or that another user
owns) is refused with a message saying how to fix it, leaving everything as it was.
"""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tokenward.store.audit import AuditEvent, AuditLog
from tokenward.store.errors import StoreError
from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault

pytestmark = pytest.mark.skipif(sys.platform == "win32",
                                reason="POSIX modes; Windows ACLs are another issue's")

SRC = Path(__file__).resolve().parents[2] / "src"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _tokenward(home: Path, *args: str, stdin: str = "",
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``tokenward ARGS`` run by a user whose umask is 000 and whose HOME is ``home``."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("TOKENWARD_", "XDG_")) or k == "TOKENWARD_CACHE_DIR"}
    clean.update(HOME=str(home), PYTHONPATH=str(SRC), **(env or {}))
    command = "umask 000; exec \"$0\" -m tokenward \"$@\""
    return subprocess.run(["sh", "-c", command, sys.executable, *args], input=stdin,
                          capture_output=True, text=True, env=clean, timeout=120, check=False)


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)  # an ordinary home folder, which the store must leave as it is
    return home


def test_under_umask_000_created_folders_are_0700_and_files_0600(tmp_path: Path) -> None:
    home = _home(tmp_path)
    stored = _tokenward(home, "store", "set", "DB_PASSWORD", stdin=secrets.token_hex(16))
    assert stored.returncode == 0, stored.stderr
    for command in (["token", "grant", "alice", "--scope", "read"],
                    ["token", "issue", "-s", "alice", "--scope", "read"]):
        result = _tokenward(home, *command)
        assert result.returncode == 0, result.stderr
    created = sorted(path.relative_to(home).as_posix() for path in home.rglob("*")
                     if path.is_dir())
    assert created == [".config", ".config/tokenward", ".local", ".local/share",
                       ".local/share/tokenward"]
    assert {folder: _mode(home / folder) for folder in created} == dict.fromkeys(created, 0o700)
    files = {path.relative_to(home).as_posix(): _mode(path) for path in home.rglob("*")
             if not path.is_dir()}
    assert ".config/tokenward/vault.key" in files
    assert ".local/share/tokenward/vault.json" in files
    assert ".local/share/tokenward/tokens.sqlite3" in files
    assert ".local/share/tokenward/tokens.sqlite3.audit.jsonl" in files
    assert files == dict.fromkeys(files, 0o600)
    assert _mode(home) == 0o755


def test_an_existing_parent_keeps_its_mode(tmp_path: Path) -> None:
    home = _home(tmp_path)
    (home / ".config").mkdir(mode=0o755)
    (home / ".config").chmod(0o755)
    result = _tokenward(home, "store", "set", "DB_PASSWORD", stdin=secrets.token_hex(16))
    assert result.returncode == 0, result.stderr
    assert (_mode(home / ".config"), _mode(home / ".config" / "tokenward")) == (0o755, 0o700)


@pytest.mark.parametrize(("mode", "what"), [
    (0o777, "read and written"),
    (0o755, "read"),
    (0o703, "written"),
    (0o1777, "read and written"),  # sticky, like /tmp: others still list it and add files
])
def test_a_vault_folder_others_can_use_is_refused(tmp_path: Path, mode: int,
                                                   what: str) -> None:
    home = _home(tmp_path)
    folder = home / ".local" / "share" / "tokenward"
    folder.mkdir(parents=True)
    folder.chmod(mode)
    value = secrets.token_hex(16)
    result = _tokenward(home, "store", "set", "DB_PASSWORD", stdin=value)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"tokenward: error: folder {folder} can be {what} by other users (mode {mode:04o}); the store "
        f"keeps its files only in a folder of your own: check what is in it, then restrict "
        f"it with `chmod 700 {folder}`\n")
    assert list(folder.iterdir()) == []  # nothing written, not even a lock file
    assert _mode(folder) == mode  # refused, not silently changed
    assert value not in result.stderr


def test_reading_from_a_vault_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "store" / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", secrets.token_hex(16))
    (tmp_path / "store").chmod(0o777)
    with pytest.raises(StoreError, match=r"can be read and written by other users \(mode 0777\)"):
        vault.get("DB_PASSWORD")


def test_a_vault_folder_owned_by_another_user_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "store"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(os, "geteuid", lambda: folder.stat().st_uid + 1)
    with pytest.raises(StoreError) as error:
        Vault(folder / "vault.json", key_file=tmp_path / "vault.key").set("NAME", "value")
    assert str(error.value) == (
        f"folder {folder} belongs to another user (uid {folder.stat().st_uid}), who can read "
        "or replace what tokenward keeps there; use a folder of your own")
    assert list(folder.iterdir()) == []


def test_a_token_database_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(StoreError, match=r"folder .*shared can be read and written"):
        Issuer(folder / "tokens.db", secrets.token_bytes(32),
               audit=AuditLog(tmp_path / "audit.jsonl"))
    assert list(folder.iterdir()) == []


def test_the_audit_log_is_never_written_through_a_planted_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    log = tmp_path / "audit.jsonl"
    log.symlink_to(victim)
    with pytest.raises(OSError):
        AuditLog(log).append(AuditEvent(time="2026-01-01T00:00:00+00:00", event="gc",
                                        outcome="ok"))
    assert victim.read_text() == "keep me\n"
