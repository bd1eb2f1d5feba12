"""Windows Credential Manager as a backend for user-scope secrets, through ctypes.

``advapi32!CredWriteW`` / ``CredReadW`` / ``CredEnumerateW`` / ``CredDeleteW`` / ``CredFree``
with explicit argtypes and restypes, as in ``dpapi``. Each secret is a generic credential
``tokenward/<NAME>`` persisted for this user on this machine (``CRED_PERSIST_LOCAL_MACHINE``:
not roamed to other machines); Windows encrypts it with the user's DPAPI key.

Why ctypes and not the ``keyring`` package: the store must install and run with the standard
library only (the Windows suite runs it that way under Wine), and keyring chooses its backend
at run time from entry points, a ``keyringrc.cfg`` and ``PYTHON_KEYRING_BACKEND``, so a
setting outside the project can send secrets to another (even a plaintext) backend. Its
Windows backend is itself a ctypes wrapper of these same calls (through pywin32-ctypes).
"""

from __future__ import annotations

import ctypes
import functools
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from tokenward.store import win32
from tokenward.store.errors import SecretExists, SecretNotFound, StoreError
from tokenward.store.vault import EntryInfo, check_name

CRED_TYPE_GENERIC = 1
CRED_PERSIST_LOCAL_MACHINE = 2
CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512
ERROR_NOT_FOUND = 1168
TARGET_PREFIX = "tokenward/"
WHERE = "Windows Credential Manager"
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


class FileTime(ctypes.Structure):
    _fields_ = [("low", ctypes.c_uint32), ("high", ctypes.c_uint32)]


class Credential(ctypes.Structure):
    """``CREDENTIALW``."""

    _fields_ = [("Flags", ctypes.c_uint32), ("Type", ctypes.c_uint32),
                ("TargetName", ctypes.c_wchar_p), ("Comment", ctypes.c_wchar_p),
                ("LastWritten", FileTime), ("CredentialBlobSize", ctypes.c_uint32),
                ("CredentialBlob", ctypes.POINTER(ctypes.c_ubyte)), ("Persist", ctypes.c_uint32),
                ("AttributeCount", ctypes.c_uint32), ("Attributes", ctypes.c_void_p),
                ("TargetAlias", ctypes.c_wchar_p), ("UserName", ctypes.c_wchar_p)]


class _Credui:
    """advapi32's credential functions."""

    write: Any
    read: Any
    enumerate: Any
    delete: Any
    free: Any

    def __init__(self) -> None:
        advapi32 = win32.library("advapi32", "Windows Credential Manager")
        from ctypes import wintypes

        credential_p = ctypes.POINTER(Credential)
        dword, bool_ = wintypes.DWORD, wintypes.BOOL
        self.write = win32.declare(advapi32.CredWriteW, [credential_p, dword], bool_)
        self.read = win32.declare(advapi32.CredReadW, [wintypes.LPCWSTR, dword, dword,
                                                       ctypes.POINTER(credential_p)], bool_)
        self.enumerate = win32.declare(advapi32.CredEnumerateW, [
            wintypes.LPCWSTR, dword, ctypes.POINTER(dword),
            ctypes.POINTER(ctypes.POINTER(credential_p))], bool_)
        self.delete = win32.declare(advapi32.CredDeleteW, [wintypes.LPCWSTR, dword, dword],
                                    bool_)
        self.free = win32.declare(advapi32.CredFree, [ctypes.c_void_p], None)

    last_error = staticmethod(win32.last_error)

    @staticmethod
    def error(code: int) -> OSError:
        return win32.error(code, prefix="Credential Manager: ")


@functools.cache
def _api() -> _Credui:
    """The functions, loaded and declared once."""
    return _Credui()


def _moment(stamp: FileTime) -> datetime:
    ticks = (stamp.high << 32) | stamp.low  # 100-nanosecond intervals since 1601
    return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)


class CredentialManager:
    """User-scope secrets in Credential Manager, with the vault's reading and writing calls
    (no rotation grace period: a credential holds one value)."""

    path = WHERE

    def _read(self, name: str) -> tuple[str, datetime] | None:
        api = _api()
        found = ctypes.POINTER(Credential)()
        if not api.read(TARGET_PREFIX + name, CRED_TYPE_GENERIC, 0, ctypes.byref(found)):
            code = api.last_error()
            if code == ERROR_NOT_FOUND:
                return None
            raise api.error(code)
        try:
            record = found.contents
            blob = ctypes.string_at(record.CredentialBlob, record.CredentialBlobSize)
            written = _moment(record.LastWritten)
        finally:
            api.free(found)
        try:
            return blob.decode("utf-8"), written
        except UnicodeDecodeError:
            raise StoreError(f"credential {TARGET_PREFIX}{name} in {WHERE} is not UTF-8 text "
                             "(was it written by another program?)") from None

    def get(self, name: str) -> str:
        check_name(name)
        found = self._read(name)
        if found is None:
            raise SecretNotFound(name, WHERE, where="backend")
        return found[0]

    def info(self, name: str) -> EntryInfo:
        check_name(name)
        found = self._read(name)
        if found is None:
            raise SecretNotFound(name, WHERE, where="backend")
        return EntryInfo(name, found[1], found[1], None)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._read(name) is not None

    def set(self, name: str, value: str, *, overwrite: bool = True) -> bool:
        """Store ``value``; False if it was stored already. A different value needs
        ``overwrite`` (else SecretExists), as in the vault."""
        check_name(name)
        if not isinstance(value, str) or not value:
            raise ValueError("a secret value must be a non-empty string")
        data = value.encode("utf-8")
        if len(data) > CRED_MAX_CREDENTIAL_BLOB_SIZE:
            raise ValueError(f"{WHERE} holds at most {CRED_MAX_CREDENTIAL_BLOB_SIZE} bytes per "
                             f"secret; {name} has {len(data)}: keep it in the vault instead")
        existing = self._read(name)
        if existing is not None:
            if secrets.compare_digest(existing[0].encode("utf-8"), data):
                return False
            if not overwrite:
                raise SecretExists(f"secret {name!r} already holds a different value in {WHERE}")
        api = _api()
        buffer = (ctypes.c_ubyte * len(data)).from_buffer_copy(data)
        record = Credential(Type=CRED_TYPE_GENERIC, TargetName=TARGET_PREFIX + name,
                            Comment="tokenward store secret", CredentialBlobSize=len(data),
                            CredentialBlob=ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ubyte)),
                            Persist=CRED_PERSIST_LOCAL_MACHINE, UserName=name)
        if not api.write(ctypes.byref(record), 0):
            raise api.error(api.last_error())
        return True

    def rotate(self, name: str, new_value: str, *, grace: timedelta = timedelta(0)) -> None:
        raise StoreError(f"{WHERE} keeps one value per name, so it cannot keep the previous "
                         f"one for a grace period: use `tokenward store set {name} --force`, or "
                         "the vault backend for rotations with overlap")

    def names(self) -> list[str]:
        api = _api()
        count = ctypes.c_uint32(0)
        found = ctypes.POINTER(ctypes.POINTER(Credential))()
        if not api.enumerate(TARGET_PREFIX + "*", 0, ctypes.byref(count), ctypes.byref(found)):
            code = api.last_error()
            if code == ERROR_NOT_FOUND:
                return []
            raise api.error(code)
        try:
            targets = [str(found[i].contents.TargetName) for i in range(count.value)]
        finally:
            api.free(found)
        return sorted(t[len(TARGET_PREFIX):] for t in targets if t.startswith(TARGET_PREFIX))

    def entries(self) -> list[EntryInfo]:
        return [self.info(name) for name in self.names()]

    def due(self, max_age: timedelta) -> list[EntryInfo]:
        now = datetime.now(UTC)
        return [info for info in self.entries() if info.age(now) >= max_age]

    def delete(self, name: str) -> bool:
        check_name(name)
        api = _api()
        if api.delete(TARGET_PREFIX + name, CRED_TYPE_GENERIC, 0):
            return True
        code = api.last_error()
        if code == ERROR_NOT_FOUND:
            return False
        raise api.error(code)
