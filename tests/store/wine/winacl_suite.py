"""The store's DACLs and Credential Manager backend, run by the *Windows* CPython under Wine.

Not collected by pytest: ``test_wine.py`` runs it as it runs ``dpapi_suite.py``, with
``umask 077`` (Wine derives a file's DACL from its Unix mode; see docs/store.md). Standard
library only. The ``WineFacts`` tests pin what Wine stores and enforces, so a Wine that
changes it is noticed here and in the documentation.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import tempfile
import types
import unittest
import warnings
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ["TOKENWARD_SRC"])
_package = types.ModuleType("tokenward")
_package.__path__ = [str(SRC / "tokenward")]
sys.modules["tokenward"] = _package

from tokenward.store import access, acl, credman, winsec  # noqa: E402
from tokenward.store.access import Kind  # noqa: E402
from tokenward.store.errors import (  # noqa: E402
    SecretExists,
    SecretNotFound,
    StoreAccessError,
    StoreError,
    StoreWarning,
    UnknownAccount,
    VaultError,
)

NETWORK_SERVICE = "NT AUTHORITY\\NETWORK SERVICE"


def _descriptor(path: Path) -> acl.SecurityDescriptor:
    return acl.parse_sddl(winsec.get_security(path))


def _open_to_everyone(path: Path) -> None:
    """What an administrator's careless ``icacls /grant Everyone:R`` does (SetFileSecurityW:
    it writes the DACL as given, without Wine's merging of the folder's entries)."""
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    set_file_security = advapi32.SetFileSecurityW
    set_file_security.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.c_void_p]
    set_file_security.restype = wintypes.BOOL
    me = winsec.current_user_sid()
    descriptor = ctypes.c_void_p()
    api = winsec._api()
    sddl = f"D:(A;;FA;;;SY)(A;;FA;;;{me})(A;;FR;;;WD)"
    assert api.from_sddl(sddl, 1, ctypes.byref(descriptor), None)
    try:
        assert set_file_security(str(path), winsec.DACL_SECURITY_INFORMATION, descriptor)
    finally:
        api.local_free(descriptor)


def _allowed(path: Path) -> set[str]:
    descriptor = _descriptor(path)
    assert descriptor.aces is not None
    return {ace.sid for ace in descriptor.aces if ace.allows}


class Declarations(unittest.TestCase):
    def test_advapi32_functions_are_declared(self) -> None:
        from ctypes import wintypes

        api = winsec._api()
        expected = {"from_sddl": 4, "to_sddl": 5, "sd_owner": 3, "sd_dacl": 4, "set_named": 7,
                    "get_named": 8, "lookup_name": 7, "lookup_sid": 7, "sid_to_text": 2,
                    "text_to_sid": 2, "open_token": 3, "token_information": 5,
                    "current_process": 0, "close_handle": 1, "local_free": 1}
        for name, count in expected.items():
            self.assertEqual(len(getattr(api, name).argtypes), count, name)
        self.assertIs(api.set_named.restype, wintypes.DWORD)
        self.assertIs(api.get_named.restype, wintypes.DWORD)
        self.assertIs(api.from_sddl.restype, wintypes.BOOL)
        self.assertIs(api.lookup_name.restype, wintypes.BOOL)

    def test_credential_functions_are_declared(self) -> None:
        from ctypes import wintypes

        api = credman._api()
        self.assertEqual([len(api.write.argtypes), len(api.read.argtypes),
                          len(api.enumerate.argtypes), len(api.delete.argtypes),
                          len(api.free.argtypes)], [2, 4, 4, 3, 1])
        for function in (api.write, api.read, api.enumerate, api.delete):
            self.assertIs(function.restype, wintypes.BOOL)
        self.assertIsNone(api.free.restype)


class Accounts(unittest.TestCase):
    def test_the_current_user_is_the_token_user(self) -> None:
        me = winsec.current_user_sid()
        self.assertTrue(me.startswith("S-1-5-21-"), me)
        self.assertEqual(winsec.lookup_account(os.environ["USERNAME"]).sid, me)

    def test_service_accounts_resolve_both_ways(self) -> None:
        self.assertEqual(winsec.lookup_account(NETWORK_SERVICE),
                         acl.Principal(NETWORK_SERVICE, "S-1-5-20"))
        self.assertEqual(winsec.account_name("S-1-5-20"), NETWORK_SERVICE)
        self.assertEqual(winsec.account_name("S-1-5-21-9-9-9-9999"), "S-1-5-21-9-9-9-9999")

    def test_every_unknown_reader_is_named(self) -> None:
        with self.assertRaises(UnknownAccount) as caught:
            access.resolve_readers(["IIS AppPool\\NoSuchPool", NETWORK_SERVICE, "NOPE\\x"])
        self.assertEqual(caught.exception.names, ("IIS AppPool\\NoSuchPool", "NOPE\\x"))
        self.assertEqual(caught.exception.windows_error, 1332)

    def test_a_group_of_every_account_is_no_reader(self) -> None:
        for name in ("Everyone", "Users", "BUILTIN\\Users", "Authenticated Users"):
            with self.assertRaises(StoreError) as caught:
                access.resolve_readers([name])
            self.assertIn("stands for every account on the machine", str(caught.exception))


class Descriptors(unittest.TestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tw-acl-"))
        self.me = winsec.current_user_sid()

    def test_the_store_sddl_is_accepted_and_read_back(self) -> None:
        path = self.directory / "file"
        path.write_bytes(b"x")
        winsec.set_security(path, acl.file_sddl(self.me))
        descriptor = _descriptor(path)
        self.assertEqual(descriptor.owner, self.me)
        self.assertEqual(_allowed(path), {self.me, acl.SYSTEM})
        self.assertEqual(acl.problems(descriptor, folder=False), ())
        folder = self.directory / "folder"
        folder.mkdir()
        winsec.set_security(folder, acl.folder_sddl(self.me))
        self.assertEqual(acl.problems(_descriptor(folder), folder=True), ())

    def test_a_bad_descriptor_or_a_missing_file_is_an_oserror(self) -> None:
        path = self.directory / "file"
        path.write_bytes(b"x")
        with self.assertRaises(OSError) as bad:
            winsec.set_security(path, "D:(A;;ZZ;;;SY)")
        self.assertTrue(bad.exception.winerror)
        with self.assertRaises(OSError) as missing:
            winsec.get_security(self.directory / "missing")
        self.assertEqual(missing.exception.winerror, 2)


class WineFacts(unittest.TestCase):
    """What Wine 8 does with a DACL (docs/store.md, "DACLs under Wine")."""

    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tw-wine-"))
        self.me = winsec.current_user_sid()

    def test_only_the_owner_and_everyone_survive_as_a_unix_mode(self) -> None:
        path = self.directory / "file"
        path.write_bytes(b"x")
        winsec.set_security(path, acl.file_sddl(self.me, [acl.Principal("x", "S-1-5-20")]))
        descriptor = _descriptor(path)
        self.assertNotIn("S-1-5-20", _allowed(path))  # a reader is not stored
        self.assertFalse(descriptor.protected)  # nor is the protection flag

    def test_a_grant_to_everyone_is_stored_as_other_read(self) -> None:
        path = self.directory / "file"
        path.write_bytes(b"x")
        _open_to_everyone(path)
        self.assertIn(acl.EVERYONE, _allowed(path))
        winsec.set_security(path, acl.file_sddl(self.me))
        self.assertEqual(_allowed(path), {self.me, acl.SYSTEM})


class StoreOnWindows(unittest.TestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tw-store-"))
        self.me = winsec.current_user_sid()

    def test_every_file_the_store_creates_is_owner_and_system_only(self) -> None:
        from tokenward.store.tokens import Issuer
        from tokenward.store.vault import Vault

        home = self.directory / "store"
        vault = Vault(home / "vault.json")
        vault.set("DB_PASSWORD", "first value")
        vault.set("DB_PASSWORD", "second value")  # the atomic replace keeps the DACL
        with Issuer.open(home / "tokens.db", vault=vault) as issuer:
            issuer.grant("alice", ["read"])
            issuer.issue("alice", ["read"])
            created = [(home, Kind.FOLDER), (home / "vault.json", Kind.VAULT),
                       (home / "vault.json.lock", Kind.LOCK), (home / "tokens.db", Kind.TOKEN_DB),
                       (home / "tokens.db-wal", Kind.TOKEN_DB),
                       (home / "tokens.db-shm", Kind.TOKEN_DB),
                       (home / "tokens.db.audit.jsonl", Kind.AUDIT_LOG),
                       (home / "tokens.db.audit.jsonl.lock", Kind.LOCK)]
            for path, kind in created:
                found = access.inspect(path, kind)
                self.assertTrue(found.exists, path)
                self.assertEqual(found.problems, (), path)
                self.assertEqual(_allowed(path), {self.me, acl.SYSTEM}, path)
        self.assertEqual(json.loads((home / "vault.json").read_text())["access"],
                         {"readers": []})

    def test_a_vault_open_to_everyone_is_refused(self) -> None:
        from tokenward.store.vault import Vault

        path = self.directory / "vault.json"
        Vault(path).set("DB_PASSWORD", "value")
        _open_to_everyone(path)
        with self.assertRaises(StoreAccessError) as caught:
            Vault(path).get("DB_PASSWORD")
        self.assertTrue(str(caught.exception).startswith(
            f"vault {path} is open to others: Everyone (S-1-1-0) has read; "), caught.exception)

    def test_an_older_vault_is_tightened_in_place(self) -> None:
        from tokenward.store.vault import Vault

        path = self.directory / "vault.json"
        Vault(path).set("DB_PASSWORD", "value")
        document = json.loads(path.read_text())
        del document["access"]  # as an older tokenward wrote it
        path.write_text(json.dumps(document))
        _open_to_everyone(path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.assertEqual(Vault(path).get("DB_PASSWORD"), "value")
        self.assertEqual([w.category for w in caught], [StoreWarning])
        self.assertTrue(str(caught[0].message).startswith(
            f"vault {path} was created by an older tokenward and is open to others: Everyone "
            "(S-1-1-0) has read: its permissions are now its owner's and SYSTEM's only"))
        self.assertEqual(_allowed(path), {self.me, acl.SYSTEM})

    def test_a_machine_scope_store_for_a_service(self) -> None:
        from tokenward.store.doctor import examine
        from tokenward.store.vault import Vault

        home = self.directory / "machine"
        entropy = home / "vault.entropy"
        readers = access.resolve_readers([NETWORK_SERVICE])
        vault = Vault(home / "vault.json")
        self.assertTrue(vault.set_up(scope="machine", readers=readers, entropy_file=entropy))
        self.assertFalse(vault.set_up(scope="machine", readers=readers, entropy_file=entropy))
        document = json.loads((home / "vault.json").read_text())
        self.assertEqual(document["protector"], {"kind": "dpapi", "scope": "machine"})
        self.assertEqual(document["access"],
                         {"readers": [{"name": NETWORK_SERVICE, "sid": "S-1-5-20"}]})
        os.environ["TOKENWARD_DPAPI_ENTROPY_FILE"] = str(entropy)
        try:
            Vault(home / "vault.json").set("API_KEY", "for the service")
            self.assertEqual(Vault(home / "vault.json").get("API_KEY"), "for the service")
            report = examine(Vault(home / "vault.json"), key_file=home / "unused.key",
                             token_db=home / "tokens.db", audit_log=home / "audit.jsonl",
                             configured_readers=[NETWORK_SERVICE])
            self.assertTrue(report.ok, report)
            notes = {f.path.name: f.notes for f in report.files if f.exists}
            # Wine keeps no reader entry (WineFacts): doctor says so instead of hiding it.
            self.assertIn(f"reader {NETWORK_SERVICE} cannot read it", notes["vault.entropy"])
            _open_to_everyone(entropy)
            with self.assertRaises(StoreAccessError) as caught:
                Vault(home / "vault.json").get("API_KEY")
            self.assertTrue(str(caught.exception).startswith(
                f"entropy file {entropy} is open to others: Everyone (S-1-1-0) has read; "))
            vault.set_up(scope="machine", readers=readers, entropy_file=entropy)  # init resets
            self.assertEqual(Vault(home / "vault.json").get("API_KEY"), "for the service")
            with self.assertRaises(VaultError) as scope:
                Vault(home / "vault.json").set_up(scope="user")
            self.assertIn("is protected with machine-scope DPAPI, not user scope",
                          str(scope.exception))
        finally:
            del os.environ["TOKENWARD_DPAPI_ENTROPY_FILE"]

    def test_readers_need_machine_scope(self) -> None:
        from tokenward.store.vault import Vault

        readers = access.resolve_readers([NETWORK_SERVICE])
        with self.assertRaises(VaultError) as caught:
            Vault(self.directory / "vault.json").set_up(scope="user", readers=readers)
        self.assertTrue(str(caught.exception).startswith("readers need a machine-scope vault"))

    def test_a_vault_keeps_its_scope(self) -> None:
        from tokenward.store.vault import Vault

        vault = Vault(self.directory / "vault.json")
        self.assertTrue(vault.set_up(scope="user"))
        entropy = self.directory / "vault.entropy"
        with self.assertRaises(VaultError) as caught:
            Vault(vault.path).set_up(scope="machine", entropy_file=entropy)
        self.assertIn("is protected with user-scope DPAPI, not machine scope",
                      str(caught.exception))
        self.assertFalse(entropy.exists())


class CredentialManagerBackend(unittest.TestCase):
    def tearDown(self) -> None:
        manager = credman.CredentialManager()
        for name in manager.names():
            manager.delete(name)
        os.environ.pop("TOKENWARD_STORE_BACKEND", None)

    def test_round_trip_names_and_delete(self) -> None:
        manager = credman.CredentialManager()
        self.assertEqual(manager.names(), [])
        self.assertTrue(manager.set("DB_PASSWORD", "pässword-1"))
        self.assertFalse(manager.set("DB_PASSWORD", "pässword-1"))
        self.assertTrue(manager.set("API_KEY", "key-2"))
        self.assertEqual(manager.get("DB_PASSWORD"), "pässword-1")
        self.assertEqual(manager.names(), ["API_KEY", "DB_PASSWORD"])
        self.assertIn("API_KEY", manager)
        with self.assertRaises(SecretExists):
            manager.set("API_KEY", "other", overwrite=False)
        self.assertTrue(manager.set("API_KEY", "other"))
        self.assertEqual(manager.get("API_KEY"), "other")
        self.assertTrue(manager.delete("API_KEY"))
        self.assertFalse(manager.delete("API_KEY"))
        with self.assertRaises(SecretNotFound) as caught:
            manager.get("API_KEY")
        self.assertIn("(backend: Windows Credential Manager)", str(caught.exception))

    def test_limits_and_rotation(self) -> None:
        manager = credman.CredentialManager()
        with self.assertRaises(ValueError):
            manager.set("BIG", "x" * (credman.CRED_MAX_CREDENTIAL_BLOB_SIZE + 1))
        manager.set("TOKEN", "v1")
        with self.assertRaises(StoreError) as caught:
            manager.rotate("TOKEN", "v2")
        self.assertIn("cannot keep the previous one", str(caught.exception))
        self.assertEqual(len(manager.due(credman.timedelta(0))), 1)

    def test_store_get_keeps_its_order(self) -> None:
        import tokenward.store as store

        os.environ["TOKENWARD_STORE_BACKEND"] = "credential-manager"
        store.set_secret("WINE_CRED", "from-credential-manager")
        self.assertEqual(store.get("WINE_CRED"), "from-credential-manager")
        os.environ["WINE_CRED"] = "from-env"
        try:
            self.assertEqual(store.get("WINE_CRED"), "from-env")
        finally:
            del os.environ["WINE_CRED"]
        os.environ["TOKENWARD_STORE_BACKEND"] = "vault"
        os.environ["TOKENWARD_VAULT"] = str(Path(tempfile.mkdtemp()) / "vault.json")
        try:
            with self.assertRaises(SecretNotFound):
                store.get("WINE_CRED")
        finally:
            del os.environ["TOKENWARD_VAULT"]


if __name__ == "__main__":
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2)
    result = runner.run(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    sys.exit(0 if result.wasSuccessful() else 1)
