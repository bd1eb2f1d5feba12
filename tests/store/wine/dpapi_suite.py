"""The DPAPI protector's tests, run by the *Windows* embeddable CPython under Wine.

Not collected by pytest (the name does not start with ``test_``): ``test_wine.py``
runs this file with ``wine python.exe dpapi_suite.py <src dir>`` and checks each result.
Only the standard library is available here (no pytest, no cryptography), which also proves
that the Windows code path of the store needs neither.
"""

from __future__ import annotations

import ctypes
import os
import sys
import tempfile
import types
import unittest
from pathlib import Path

# The embeddable Python ignores PYTHONPATH (its ._pth file fixes sys.path), so the source
# directory arrives as an argument. Register a bare `tokenward` package so that importing
# tokenward.store does not run the full package's __init__ (libcst etc. are not installed).
SRC = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ["TOKENWARD_SRC"])
_package = types.ModuleType("tokenward")
_package.__path__ = [str(SRC / "tokenward")]
sys.modules["tokenward"] = _package

from tokenward.store import dpapi  # noqa: E402
from tokenward.store.errors import ProtectorError, VaultError  # noqa: E402

PLAINTEXT = b"dpapi-test-value-\x00\xff-0123456789"


class DpapiFunctions(unittest.TestCase):
    def test_platform_is_windows(self) -> None:
        self.assertEqual(sys.platform, "win32")
        self.assertEqual(ctypes.sizeof(ctypes.c_void_p), 8)

    def test_argtypes_and_restypes_are_explicit(self) -> None:
        from ctypes import wintypes

        api = dpapi._crypt32()
        self.assertEqual(len(api.protect.argtypes), 7)
        self.assertEqual(len(api.unprotect.argtypes), 7)
        self.assertIs(api.protect.restype, wintypes.BOOL)
        self.assertIs(api.unprotect.restype, wintypes.BOOL)
        self.assertEqual(api.local_free.argtypes, [wintypes.HLOCAL])

    def test_user_scope_round_trip(self) -> None:
        blob = dpapi.protect(PLAINTEXT)
        self.assertNotIn(PLAINTEXT, blob)
        self.assertEqual(dpapi.unprotect(blob), PLAINTEXT)

    def test_each_protection_is_randomised(self) -> None:
        self.assertNotEqual(dpapi.protect(PLAINTEXT), dpapi.protect(PLAINTEXT))

    def test_description_is_stored_and_returned(self) -> None:
        blob = dpapi.protect(PLAINTEXT, description="tokenward: DB_PASSWORD")
        plaintext, description = dpapi.unprotect_with_description(blob)
        self.assertEqual((plaintext, description), (PLAINTEXT, "tokenward: DB_PASSWORD"))

    def test_empty_plaintext_round_trips(self) -> None:
        self.assertEqual(dpapi.unprotect(dpapi.protect(b"")), b"")

    def test_large_plaintext_round_trips(self) -> None:
        data = os.urandom(256 * 1024)
        self.assertEqual(dpapi.unprotect(dpapi.protect(data)), data)

    def test_entropy_is_required_to_decrypt(self) -> None:
        blob = dpapi.protect(PLAINTEXT, entropy=b"e" * 32)
        self.assertEqual(dpapi.unprotect(blob, entropy=b"e" * 32), PLAINTEXT)
        with self.assertRaises(OSError):
            dpapi.unprotect(blob)
        with self.assertRaises(OSError):
            dpapi.unprotect(blob, entropy=b"f" * 32)

    def test_tampered_blob_raises_oserror_with_the_windows_error(self) -> None:
        blob = bytearray(dpapi.protect(PLAINTEXT))
        blob[-5] ^= 0x40
        with self.assertRaises(OSError) as caught:
            dpapi.unprotect(bytes(blob))
        self.assertTrue(caught.exception.winerror)

    def test_garbage_raises_oserror(self) -> None:
        with self.assertRaises(OSError):
            dpapi.unprotect(b"not a dpapi blob at all")

    def test_machine_scope_round_trip(self) -> None:
        blob = dpapi.protect(PLAINTEXT, entropy=b"m" * 32, scope="machine")
        self.assertEqual(dpapi.unprotect(blob, entropy=b"m" * 32), PLAINTEXT)


class DpapiProtectorTests(unittest.TestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tw-dpapi-"))

    def test_context_is_bound(self) -> None:
        protector = dpapi.DpapiProtector()
        blob = protector.protect(PLAINTEXT, b"vault\x00A")
        self.assertEqual(protector.unprotect(blob, b"vault\x00A"), PLAINTEXT)
        with self.assertRaises(ProtectorError) as caught:
            protector.unprotect(blob, b"vault\x00B")
        self.assertIn("DPAPI could not decrypt the value", str(caught.exception))
        self.assertIsInstance(caught.exception, OSError)  # never swallowed: still an OSError
        self.assertTrue(caught.exception.windows_error)
        self.assertIsInstance(caught.exception.__cause__, OSError)

    def test_machine_scope_needs_entropy(self) -> None:
        with self.assertRaises(ProtectorError):
            dpapi.DpapiProtector("machine")

    def test_machine_scope_entropy_lives_in_its_own_file(self) -> None:
        entropy_file = self.directory / "vault.entropy"
        protector = dpapi.DpapiProtector.machine_scope(entropy_file, create=True)
        blob = protector.protect(PLAINTEXT, b"ctx")
        again = dpapi.DpapiProtector.machine_scope(entropy_file)
        self.assertEqual(again.unprotect(blob, b"ctx"), PLAINTEXT)
        other = dpapi.DpapiProtector.machine_scope(self.directory / "other.entropy", create=True)
        with self.assertRaises(ProtectorError):
            other.unprotect(blob, b"ctx")


class VaultOnWindows(unittest.TestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tw-vault-"))
        self.path = self.directory / "vault.json"

    def test_default_protector_is_dpapi_user_scope(self) -> None:
        from tokenward.store.vault import Vault

        vault = Vault(self.path, key_file=self.directory / "unused.key")
        vault.set("DB_PASSWORD", "correct horse battery staple")
        raw = self.path.read_bytes()
        self.assertNotIn(b"correct horse", raw)
        self.assertIn(b'"kind": "dpapi"', raw)
        self.assertIn(b'"scope": "user"', raw)
        self.assertFalse((self.directory / "unused.key").exists())
        reopened = Vault(self.path)
        self.assertEqual(reopened.get("DB_PASSWORD"), "correct horse battery staple")
        reopened.rotate("DB_PASSWORD", "new value")
        self.assertEqual(Vault(self.path).values("DB_PASSWORD"),
                         ("new value", "correct horse battery staple"))
        self.assertNotIn("cryptography", sys.modules)

    def test_machine_scope_vault_needs_its_entropy_file(self) -> None:
        from tokenward.store.vault import Vault

        entropy_file = self.directory / "vault.entropy"
        protector = dpapi.DpapiProtector.machine_scope(entropy_file, create=True)
        Vault(self.path, protector=protector).set("API_KEY", "machine-scoped")
        os.environ["TOKENWARD_DPAPI_ENTROPY_FILE"] = str(entropy_file)
        try:
            self.assertEqual(Vault(self.path).get("API_KEY"), "machine-scoped")
            dpapi.DpapiProtector.machine_scope(self.directory / "wrong.entropy", create=True)
            os.environ["TOKENWARD_DPAPI_ENTROPY_FILE"] = str(self.directory / "wrong.entropy")
            with self.assertRaises(VaultError) as caught:
                Vault(self.path).get("API_KEY")
            self.assertIn("cannot open vault", str(caught.exception))
        finally:
            del os.environ["TOKENWARD_DPAPI_ENTROPY_FILE"]

    def test_store_get_prefers_environment_then_vault(self) -> None:
        import tokenward.store as store

        os.environ["TOKENWARD_VAULT"] = str(self.path)
        try:
            store.set_secret("WINE_SECRET", "from-vault")
            self.assertEqual(store.get("WINE_SECRET"), "from-vault")
            os.environ["WINE_SECRET"] = "from-env"
            self.assertEqual(store.get("WINE_SECRET"), "from-env")
        finally:
            os.environ.pop("WINE_SECRET", None)
            del os.environ["TOKENWARD_VAULT"]

    def test_issuer_runs_on_a_dpapi_vault(self) -> None:
        from tokenward.store.errors import InvalidToken
        from tokenward.store.tokens import Issuer
        from tokenward.store.vault import Vault

        with Issuer.open(self.directory / "tokens.db", vault=Vault(self.path)) as issuer:
            issuer.grant("alice", ["read"])
            pair = issuer.issue("alice", ["read"], with_refresh=True)
            self.assertEqual(issuer.verify(pair.access.token).subject, "alice")
            issuer.refresh(pair.refresh.token)
            with self.assertRaises(InvalidToken):
                issuer.refresh(pair.refresh.token)
            self.assertEqual(issuer.introspect(pair.access.token), {"active": False})


if __name__ == "__main__":
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2)
    result = runner.run(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    sys.exit(0 if result.wasSuccessful() else 1)
