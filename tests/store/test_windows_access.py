"""The store's Windows access logic on every platform, with a stand-in for ``winsec``.

The stand-in keeps each path's security descriptor (SDDL) in an extended attribute, so it
moves with a rename and is shared by a hard link, as on NTFS. What it cannot show (that
Windows applies these descriptors) the Wine suite and Windows itself do; what it shows is
that the store asks for the right descriptor on every file, at the right moment, and refuses
or upgrades what it reads back.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tokenward.store import access, acl, winsec
from tokenward.store.access import Kind
from tokenward.store.errors import StoreAccessError, StoreError, StoreWarning, UnknownAccount
from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault

OWNER = "S-1-5-21-1-2-3-1001"
POOL = acl.Principal("IIS AppPool\\MyPool", "S-1-5-82-1-2-3-4-5")
NAMES = {OWNER: "HOST\\alice", POOL.sid: POOL.name, "S-1-5-82-9": "IIS AppPool\\Other"}
# What a file in %LOCALAPPDATA% inherits on Windows: SYSTEM, Administrators and the user.
INHERITED = f"O:{OWNER}D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;{OWNER})"
FILE = acl.file_sddl(OWNER)
FOLDER = acl.folder_sddl(OWNER)
ATTRIBUTE = "user.tokenward-test.sddl"


class FakeWindows:
    """``winsec`` for a test: descriptors in an xattr; every set_security call recorded."""

    def __init__(self) -> None:
        self.set_calls: list[tuple[str, str]] = []
        self.deny_reading: set[Path] = set()
        self.deny_setting = False

    def set_security(self, path: Path, sddl: str) -> None:
        if self.deny_setting:
            raise PermissionError(0, "Access is denied", str(path), 5)
        self.set_calls.append((Path(path).name, sddl))
        os.setxattr(path, ATTRIBUTE, sddl.encode())

    def get_security(self, path: Path) -> str:
        if Path(path) in self.deny_reading:
            raise PermissionError(0, "access denied reading its permissions", str(path), 5)
        try:
            return os.getxattr(path, ATTRIBUTE).decode()
        except OSError:
            return INHERITED

    @staticmethod
    def lookup_account(name: str) -> acl.Principal:
        known = {"IIS AppPool\\MyPool": POOL.sid, "Users": "S-1-5-32-545"}
        if name not in known:
            raise UnknownAccount((name,), 1332)
        return acl.Principal(name, known[name])


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeWindows]:
    try:
        os.setxattr(tmp_path, "user.tokenward-probe", b"1")
    except OSError:
        pytest.skip("this filesystem keeps no user extended attributes")
    fake = FakeWindows()
    monkeypatch.setattr(access, "uses_dacls", lambda: True)
    monkeypatch.setattr(winsec, "current_user_sid", lambda: OWNER)
    monkeypatch.setattr(winsec, "set_security", fake.set_security)
    monkeypatch.setattr(winsec, "get_security", fake.get_security)
    monkeypatch.setattr(winsec, "account_name", lambda sid: NAMES.get(sid) or
                        acl.default_name(sid))
    monkeypatch.setattr(winsec, "lookup_account", fake.lookup_account)
    yield fake


def _sddl(path: Path) -> str:
    return os.getxattr(path, ATTRIBUTE).decode()


def _open_to(path: Path, extra: str) -> None:
    os.setxattr(path, ATTRIBUTE, (acl.file_sddl(OWNER) + extra).encode())


def _older_vault(tmp_path: Path) -> Vault:
    """A vault as an earlier tokenward left it: no readers recorded, and its file with the
    DACL it inherited from the profile (SYSTEM, Administrators, the user)."""
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    document = json.loads(vault.path.read_text())
    del document["access"]
    vault.path.write_text(json.dumps(document))
    os.removexattr(vault.path, ATTRIBUTE)
    return vault


def test_every_file_and_folder_the_vault_creates_gets_its_dacl(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "store" / "vault.json", key_file=tmp_path / "keys" / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    vault.set("API_KEY", "another-value-here")
    assert _sddl(tmp_path / "store") == FOLDER
    assert _sddl(tmp_path / "keys") == FOLDER
    assert _sddl(tmp_path / "keys" / "vault.key") == FILE
    assert _sddl(tmp_path / "store" / "vault.json.lock") == FILE
    # The vault itself is only ever written through a temporary: its descriptor was set on
    # the temporary, before the rename, at each of the two writes.
    assert _sddl(tmp_path / "store" / "vault.json") == FILE
    temporaries = [name for name, sddl in windows.set_calls
                   if name.startswith(".vault.json.") and sddl == FILE]
    assert len(temporaries) == 2
    assert "vault.json" not in [name for name, _ in windows.set_calls]
    assert sorted(os.listdir(tmp_path / "store")) == ["vault.json", "vault.json.lock"]


def test_every_file_of_the_issuer_gets_the_owner_only_dacl(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    with Issuer.open(tmp_path / "db" / "tokens.db", vault=vault) as issuer:
        issuer.grant("alice", ["read"])
        issuer.issue("alice", ["read"])
        for name in ("tokens.db", "tokens.db-wal", "tokens.db-shm", "tokens.db.audit.jsonl",
                     "tokens.db.audit.jsonl.lock"):
            assert _sddl(tmp_path / "db" / name) == FILE, name
    assert _sddl(tmp_path / "db") == FOLDER


def test_a_vault_others_can_read_is_refused_naming_the_file_and_the_account(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    _open_to(vault.path, "(A;;FR;;;WD)")
    with pytest.raises(StoreAccessError) as caught:
        vault.get("DB_PASSWORD")
    assert str(caught.value) == (
        f"vault {vault.path} is open to others: Everyone (S-1-1-0) has read; only its owner, "
        "SYSTEM and the readers set up with `tokenward store init` may use it: check who may "
        f'have read it, then run `icacls "{vault.path}" /remove:g "Everyone"`')
    with pytest.raises(StoreAccessError):  # writes are refused too, and change nothing
        vault.set("OTHER", "value-that-must-not-land")
    assert "OTHER" not in vault.path.read_text()


def test_a_reader_the_vault_was_not_set_up_for_is_refused(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    _open_to(vault.path, f"(A;;FR;;;{POOL.sid})")
    with pytest.raises(StoreAccessError, match=r"is open to others: IIS AppPool\\MyPool "
                                               r"\(S-1-5-82-1-2-3-4-5\) has read;"):
        vault.names()


def test_recorded_readers_may_read_but_not_write(windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    document = json.loads(vault.path.read_text())
    document["access"] = {"readers": [POOL.to_json()]}
    vault.path.write_text(json.dumps(document))
    _open_to(vault.path, f"(A;;FR;;;{POOL.sid})")
    assert vault.get("DB_PASSWORD") == "hunter2-but-longer"
    assert vault.readers() == (POOL,)
    _open_to(vault.path, f"(A;;FRFW;;;{POOL.sid})")
    with pytest.raises(StoreAccessError) as caught:
        vault.names()
    assert str(caught.value).startswith(
        f"vault {vault.path} is open to others: IIS AppPool\\MyPool may only read it, but has "
        "read, write; ")
    assert str(caught.value).endswith(f'`icacls "{vault.path}" /grant:r "IIS AppPool\\MyPool:R"`')


def test_a_machine_scope_entropy_file_others_can_read_is_refused(
        windows: FakeWindows, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entropy = tmp_path / "vault.entropy"
    entropy.write_bytes(b"entropy")
    _open_to(entropy, "(A;;FR;;;BU)")
    monkeypatch.setenv("TOKENWARD_DPAPI_ENTROPY_FILE", str(entropy))
    path = tmp_path / "vault.json"
    path.write_text(json.dumps({
        "format": "tokenward-vault", "schema": 1, "vault_id": "ab", "check": "",
        "protector": {"kind": "dpapi", "scope": "machine"}, "entries": {},
        "access": {"readers": [POOL.to_json()]}}))
    os.setxattr(path, ATTRIBUTE, acl.file_sddl(OWNER, [POOL]).encode())
    with pytest.raises(StoreAccessError) as caught:
        Vault(path).names()
    assert str(caught.value).startswith(
        f"entropy file {entropy} is open to others: BUILTIN\\Users (S-1-5-32-545) has read; ")


def test_an_older_vault_is_tightened_in_place_with_a_warning(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = _older_vault(tmp_path)
    with pytest.warns(StoreWarning) as caught:
        assert vault.get("DB_PASSWORD") == "hunter2-but-longer"
    assert [str(w.message) for w in caught] == [
        f"vault {vault.path} was created by an older tokenward and is open to others: "
        "BUILTIN\\Administrators (S-1-5-32-544) has full control: its permissions are now its "
        "owner's and SYSTEM's only (tightened in place); if others could read it, rotate the "
        "secrets it holds"]
    assert _sddl(vault.path) == FILE
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vault.set("API_KEY", "another-value-here")  # no second warning; the record is added
    assert json.loads(vault.path.read_text())["access"] == {"readers": []}


def test_an_older_vault_that_cannot_be_tightened_is_refused(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = _older_vault(tmp_path)
    windows.deny_setting = True
    with pytest.raises(StoreAccessError) as caught:
        vault.get("DB_PASSWORD")
    assert str(caught.value) == (
        f"vault {vault.path} was created by an older tokenward and is open to others: "
        "BUILTIN\\Administrators (S-1-5-32-544) has full control; it could not be tightened "
        "(Access is denied): open the store once as its owner (for example `tokenward store "
        "list`), which restricts it")


def test_permissions_that_cannot_be_read_are_never_taken_as_safe(
        windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    windows.deny_reading.add(vault.path)
    with pytest.raises(StoreAccessError) as caught:
        vault.get("DB_PASSWORD")
    assert str(caught.value) == (
        f"vault {vault.path} cannot have its permissions read (access denied), so who can read "
        "it is unknown; run `tokenward store doctor` as its owner or an administrator")


def test_no_dacl_is_refused(windows: FakeWindows, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    os.setxattr(vault.path, ATTRIBUTE, f"O:{OWNER}D:NO_ACCESS_CONTROL".encode())
    with pytest.raises(StoreAccessError, match=r"is open to others: it has no DACL, so "
                                               r"everyone has full control; check what it "
                                               r"holds, then run `tokenward store init`"):
        vault.get("DB_PASSWORD")


def test_readers_resolve_and_every_unknown_name_is_reported(windows: FakeWindows) -> None:
    assert access.resolve_readers(["IIS AppPool\\MyPool"]) == (POOL,)
    with pytest.raises(UnknownAccount) as caught:
        access.resolve_readers(["NT SERVICE\\Typo", "IIS AppPool\\MyPool", "DOMAIN\\nobody"])
    assert str(caught.value).startswith(
        "unknown accounts 'NT SERVICE\\\\Typo', 'DOMAIN\\\\nobody' in readers (Windows cannot "
        "resolve them, error 1332)")
    with pytest.raises(StoreError, match=r"reader 'Users' \(BUILTIN\\Users\) stands for every "
                                         r"account on the machine"):
        access.resolve_readers(["Users"])


def test_readers_are_windows_only() -> None:
    with pytest.raises(StoreError, match=r"^readers name Windows accounts"):
        access.resolve_readers(["IIS AppPool\\MyPool"])
    assert access.resolve_readers([]) == ()


def test_doctor_explains_each_file(windows: FakeWindows, tmp_path: Path) -> None:
    from tokenward.store.doctor import examine

    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    _open_to(vault.path, "(A;;FR;;;WD)")
    report = examine(vault, key_file=tmp_path / "vault.key", token_db=tmp_path / "t.db",
                     audit_log=tmp_path / "t.db.audit.jsonl",
                     configured_readers=["IIS AppPool\\MyPool"])
    assert not report.ok
    by_kind = {(f.kind, f.path.name): f for f in report.files}
    shown = by_kind[(Kind.VAULT, "vault.json")]
    assert shown.owner == "HOST\\alice"
    assert shown.grants == ("HOST\\alice: full control", "NT AUTHORITY\\SYSTEM: full control",
                            "Everyone: read")
    assert shown.problems == ("is open to others: Everyone (S-1-1-0) has read",)
    folder = by_kind[(Kind.FOLDER, tmp_path.name)]
    assert folder.problems == ("is open to others: BUILTIN\\Administrators (S-1-5-32-544) has "
                               "full control",)  # tmp_path was not created by the store
    assert folder.notes == ("it inherits permissions from its folder",)
    assert folder.fix.endswith(f'then run `icacls "{tmp_path}" /inheritance:d` and '
                               f'`icacls "{tmp_path}" /remove:g "BUILTIN\\Administrators"`')
    assert not by_kind[(Kind.TOKEN_DB, "t.db")].exists
    assert report.problems == (
        "settings name reader(s) IIS AppPool\\MyPool that the vault was not set up for: run "
        "`tokenward store init --machine` to grant them",)


def test_the_command_line_refuses_a_too_open_vault_with_exit_2(
        windows: FakeWindows, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tokenward.cli.store import store_app

    vault = Vault(tmp_path / "vault.json", key_file=tmp_path / "vault.key")
    vault.set("DB_PASSWORD", "hunter2-but-longer")
    _open_to(vault.path, "(A;;FR;;;AU)")
    runner = CliRunner(env={"TOKENWARD_VAULT": str(vault.path),
                            "TOKENWARD_KEY_FILE": str(tmp_path / "vault.key")})
    result = runner.invoke(store_app, ["get", "DB_PASSWORD"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"tokenward: error: vault {vault.path} is open to others: NT AUTHORITY\\Authenticated Users "
        "(S-1-5-11) has read; ")
    assert "hunter2" not in result.output


def test_the_command_line_shows_the_upgrade_warning(windows: FakeWindows, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tokenward.cli.store import store_app

    vault = _older_vault(tmp_path)
    runner = CliRunner(env={"TOKENWARD_VAULT": str(vault.path),
                            "TOKENWARD_KEY_FILE": str(tmp_path / "vault.key")})
    result = runner.invoke(store_app, ["list", "--json"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: vault {vault.path} was created by an older tokenward and is open to others: "
        "BUILTIN\\Administrators (S-1-5-32-544) has full control: its permissions are now its "
        "owner's and SYSTEM's only (tightened in place); if others could read it, rotate the "
        "secrets it holds\n")
